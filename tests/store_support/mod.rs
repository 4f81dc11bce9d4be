//! What the store suite runs on: a fresh SQLite file per case, and a fresh PostgreSQL schema per
//! case inside one database made for this run of the test binary; plus row builders.

#![allow(dead_code)]

pub mod cases;
pub mod fixtures;
pub mod postgres;

use std::sync::Arc;

use duet::store::{Store, open};
use sqlx::Connection;
use tempfile::TempDir;

/// One case's database: the store under test, and a raw connection URL for editing rows behind
/// the store's back (what tampering looks like).
pub struct TestDb {
    /// The store under test.
    pub store: Arc<dyn Store>,
    url: String,
    _keep: Keep,
}

enum Keep {
    Directory(TempDir),
    Postgres(postgres::CaseGuard),
}

impl TestDb {
    /// A store in a new SQLite file in a temporary directory.
    pub async fn sqlite() -> Self {
        let directory = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", directory.path().join("duet.db").display());
        let store = open(&url).await.unwrap();
        Self {
            store,
            url,
            _keep: Keep::Directory(directory),
        }
    }

    /// A store in a new schema of this run's PostgreSQL database, or `None` when PostgreSQL is
    /// not available and the run may skip it.
    pub async fn postgres(case: &str) -> Option<Self> {
        let (url, guard) = postgres::case(case).await?;
        let store = open(&url).await.unwrap();
        Some(Self {
            store,
            url,
            _keep: Keep::Postgres(guard),
        })
    }

    /// Runs `statements` on the database directly, behind the store's back.
    pub async fn raw(&self, statements: &str) {
        if self.store.dialect() == "sqlite" {
            let mut connection = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::raw_sql(statements)
                .execute(&mut connection)
                .await
                .unwrap();
        } else {
            let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
            sqlx::raw_sql(statements)
                .execute(&mut connection)
                .await
                .unwrap();
        }
    }

    /// Makes the database refuse any audit record whose action is `action` (a trigger), so a
    /// test can make one write of a group fail with a database error.
    pub async fn refuse_action(&self, action: &str) {
        let statements = if self.store.dialect() == "sqlite" {
            format!(
                "CREATE TRIGGER refuse_action BEFORE INSERT ON audit_records \
                 WHEN NEW.action = '{action}' \
                 BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;"
            )
        } else {
            format!(
                "CREATE FUNCTION refuse_action() RETURNS trigger AS $$ BEGIN \
                 IF NEW.action = '{action}' THEN RAISE EXCEPTION 'refused for the test'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse_action BEFORE INSERT ON audit_records \
                 FOR EACH ROW EXECUTE FUNCTION refuse_action();"
            )
        };
        self.raw(&statements).await;
    }
}

/// Writes the case functions' tests twice: once on SQLite, once on PostgreSQL.
#[macro_export]
macro_rules! store_suite {
    ($($module:ident :: $case:ident),* $(,)?) => {
        /// The cases on SQLite, each in its own database file.
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let db = $crate::store_support::TestDb::sqlite().await;
                    $crate::store_support::cases::$module::$case(&db).await;
                }
            )*
        }

        /// The cases on PostgreSQL, each in its own schema of this run's database.
        mod postgres {
            /// How many cases run here: the last one to finish drops this run's database.
            const CASES: usize = [$(stringify!($case)),*].len();

            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    $crate::store_support::postgres::expect_cases(CASES);
                    let Some(db) = $crate::store_support::TestDb::postgres(stringify!($case)).await
                    else {
                        return;
                    };
                    $crate::store_support::cases::$module::$case(&db).await;
                }
            )*
        }
    };
}
