//! PostgreSQL, for several Duet nodes sharing one store: reads run in read-only
//! repeatable-read transactions (one snapshot), writes in read-committed ones that lock each
//! audit chain's row before extending it.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Postgres, Row, Transaction, TypeInfo, ValueRef};

use super::open::{OpenError, redact};
use super::sql::conn::{Backend, Cell, Conn, Param, bind};

/// The PostgreSQL schema's migrations, built into the binary.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How many connections one node keeps to PostgreSQL at most.
const CONNECTIONS: u32 = 8;

/// How long to wait for a connection (the server's answer) before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// The cluster node that holds what this store creates, once set.
    holder: std::sync::OnceLock<String>,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:5432/database`) and brings the
    /// schema up to date.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let failed = |error: sqlx::Error| OpenError::postgres(url, &error);
        let options = PgConnectOptions::from_str(url).map_err(failed)?;
        probe(url, &options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(options);
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|error| OpenError::migrate(url, &error))?;
        Ok(Self {
            pool,
            holder: std::sync::OnceLock::new(),
        })
    }
}

/// Connects once, so a refused connection is reported at once and as such (the pool would
/// retry it until its timeout and report only that).
async fn probe(url: &str, options: &PgConnectOptions) -> Result<(), OpenError> {
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(options)).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(error)) => Err(OpenError::postgres(url, &error)),
        Err(_) => Err(OpenError::Unreachable {
            url: redact(url),
            reason: format!("no answer within {} seconds", CONNECT_TIMEOUT.as_secs()),
        }),
    }
}

#[async_trait]
impl Backend for PostgresStore {
    type Db = Postgres;
    const DIALECT: &'static str = "postgres";

    async fn begin_read(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }

    fn holder(&self) -> &std::sync::OnceLock<String> {
        &self.holder
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }
}

#[async_trait]
impl Conn for PgConnection {
    async fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, sqlx::Error> {
        let query = bind::<Postgres>(sqlx::query(sql), params);
        Ok(query.execute(&mut *self).await?.rows_affected())
    }

    async fn fetch(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
        let query = bind::<Postgres>(sqlx::query(sql), params);
        let rows = query.fetch_all(&mut *self).await?;
        rows.iter().map(cells).collect()
    }

    async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&mut *self).await?;
        Ok(())
    }
}

/// The row's cells by each column's type.
fn cells(row: &PgRow) -> Result<Vec<Cell>, sqlx::Error> {
    (0..row.len())
        .map(|index| {
            let value = row.try_get_raw(index)?;
            if value.is_null() {
                return Ok(Cell::Null);
            }
            let column_type = value.type_info().name().to_owned();
            Ok(match column_type.as_str() {
                "INT8" => Cell::Int(row.try_get(index)?),
                "INT4" => Cell::Int(i64::from(row.try_get::<i32, _>(index)?)),
                "INT2" => Cell::Int(i64::from(row.try_get::<i16, _>(index)?)),
                "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Cell::Text(row.try_get(index)?),
                "BOOL" => Cell::Bool(row.try_get(index)?),
                "BYTEA" => Cell::Bytes(row.try_get(index)?),
                _ => Cell::Other(column_type),
            })
        })
        .collect()
}
