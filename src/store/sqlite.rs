//! SQLite, embedded and the default: a file (or memory) database in WAL mode with
//! `synchronous=FULL`, so a committed write survives `kill -9` and power loss. Writers queue
//! for one writing connection; readers use their own.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction, TypeInfo, ValueRef};

use super::open::{OpenError, redact};
use super::sql::conn::{Backend, Cell, Conn, Param, bind};

/// The SQLite schema's migrations, built into the binary.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// How long a statement waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many connections read at once from a database file.
const READERS: u32 = 4;

/// The store in an SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    /// The cluster node that holds what this store creates, once set.
    holder: std::sync::OnceLock<String>,
}

impl SqliteStore {
    /// Opens the database at `url` (`sqlite://path/to/duet.db`, creating the directory and the
    /// file when missing, or `sqlite::memory:`) and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let failed = |error: sqlx::Error| OpenError::sqlite(url, &error);
        let options = connect_options(url).map_err(failed)?;
        let store = if is_memory(url) {
            // Every connection to `sqlite::memory:` is its own database: keep exactly one, open.
            let pool = pool(1).connect_with(options).await.map_err(failed)?;
            Self {
                writer: pool.clone(),
                readers: pool,
                holder: std::sync::OnceLock::new(),
            }
        } else {
            create_directory(url, &options)?;
            let writer = pool(1)
                .connect_with(options.clone())
                .await
                .map_err(failed)?;
            let readers = pool(READERS).connect_with(options).await.map_err(failed)?;
            Self {
                writer,
                readers,
                holder: std::sync::OnceLock::new(),
            }
        };
        MIGRATOR
            .run(&store.writer)
            .await
            .map_err(|error| OpenError::migrate(url, &error))?;
        Ok(store)
    }
}

/// Whether `url` names a memory database (`sqlite::memory:`, `sqlite://:memory:`,
/// `…?mode=memory`).
fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

fn connect_options(url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true))
}

/// A pool of `size` connections that stay open (a memory database lives as long as one does).
fn pool(size: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(size)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
}

fn create_directory(url: &str, options: &SqliteConnectOptions) -> Result<(), OpenError> {
    let Some(directory) = options.get_filename().parent() else {
        return Ok(());
    };
    if directory.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(directory).map_err(|error| OpenError::Sqlite {
        url: redact(url),
        reason: format!(
            "cannot create the directory {}: {error}",
            directory.display()
        ),
    })
}

#[async_trait]
impl Backend for SqliteStore {
    type Db = Sqlite;
    const DIALECT: &'static str = "sqlite";

    async fn begin_read(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.readers.begin().await
    }

    fn holder(&self) -> &std::sync::OnceLock<String> {
        &self.holder
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // IMMEDIATE takes the database's write lock at once (waiting up to the busy timeout), so
        // a transaction never has to upgrade a read lock, which SQLite cannot wait for.
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

#[async_trait]
impl Conn for SqliteConnection {
    async fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, sqlx::Error> {
        let query = bind::<Sqlite>(sqlx::query(sql), params);
        Ok(query.execute(&mut *self).await?.rows_affected())
    }

    async fn fetch(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
        let query = bind::<Sqlite>(sqlx::query(sql), params);
        let rows = query.fetch_all(&mut *self).await?;
        rows.iter().map(cells).collect()
    }

    async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&mut *self).await?;
        Ok(())
    }
}

/// The row's cells by the storage class each value actually has.
fn cells(row: &SqliteRow) -> Result<Vec<Cell>, sqlx::Error> {
    (0..row.len())
        .map(|index| {
            let value = row.try_get_raw(index)?;
            if value.is_null() {
                return Ok(Cell::Null);
            }
            let storage = value.type_info().name().to_owned();
            Ok(match storage.as_str() {
                "INTEGER" => Cell::Int(row.try_get_unchecked(index)?),
                "TEXT" => Cell::Text(row.try_get_unchecked(index)?),
                "BLOB" => Cell::Bytes(row.try_get_unchecked(index)?),
                _ => Cell::Other(storage),
            })
        })
        .collect()
}
