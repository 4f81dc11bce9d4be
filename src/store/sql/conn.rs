//! The little each SQL dialect must provide so one implementation serves both: a connection
//! that runs a statement with numbered placeholders (`$1`, `$2`, …) and hands back plain cells,
//! and transactions to run them in.

use async_trait::async_trait;

/// A value bound to a statement's numbered placeholder.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// A 64-bit integer, or a typed NULL.
    Int(Option<i64>),
    /// Text, or a typed NULL.
    Text(Option<&'a str>),
    /// A boolean (an integer 0/1 in SQLite).
    Bool(bool),
    /// Bytes.
    Bytes(&'a [u8]),
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Self::Int(Some(value))
    }
}

impl From<Option<i64>> for Param<'_> {
    fn from(value: Option<i64>) -> Self {
        Self::Int(value)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(Some(value))
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(Some(value))
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(value: &'a Option<String>) -> Self {
        Self::Text(value.as_deref())
    }
}

impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(value: &'a [u8]) -> Self {
        Self::Bytes(value)
    }
}

/// A value read from a result column, as the database holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Cell {
    /// NULL.
    #[default]
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// Bytes.
    Bytes(Vec<u8>),
    /// Something else (its type's name), which the store never writes.
    Other(String),
}

impl Cell {
    fn kind(&self) -> String {
        match self {
            Self::Null => "NULL".to_owned(),
            Self::Int(_) => "an integer".to_owned(),
            Self::Text(_) => "text".to_owned(),
            Self::Bool(_) => "a boolean".to_owned(),
            Self::Bytes(_) => "bytes".to_owned(),
            Self::Other(name) => format!("a value of type {name}"),
        }
    }
}

/// A connection inside a transaction, in either dialect.
#[async_trait]
pub(crate) trait Conn: Send {
    /// Runs one statement; returns how many rows it changed.
    async fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, sqlx::Error>;

    /// Runs one query; returns its rows as cells.
    async fn fetch(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Vec<Cell>>, sqlx::Error>;

    /// Runs a statement that takes no parameters (SAVEPOINT and friends).
    async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error>;
}

/// A database the shared implementation can run on: it opens transactions on its pool.
#[async_trait]
pub(crate) trait Backend: Send + Sync + 'static {
    /// The sqlx database whose connections run the statements.
    type Db: sqlx::Database<Connection: Conn>;

    /// `sqlite` or `postgres`.
    const DIALECT: &'static str;

    /// A transaction that only reads, from one consistent snapshot.
    async fn begin_read(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;

    /// A transaction that writes; it takes the write lock as soon as it writes.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;

    /// The node of a cluster that holds what this store's commits create, once set.
    fn holder(&self) -> &std::sync::OnceLock<String>;
}

/// Reads one row's cells by position, naming the column when a cell is not what it should be.
pub(crate) struct RowReader {
    table: &'static str,
    cells: Vec<Cell>,
}

impl RowReader {
    /// The cells of one row of `table`.
    pub(crate) fn new(table: &'static str, cells: Vec<Cell>) -> Self {
        Self { table, cells }
    }

    fn take(&mut self, index: usize) -> Cell {
        self.cells
            .get_mut(index)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn wrong(&self, column: &str, cell: &Cell, wanted: &str) -> String {
        format!(
            "{}.{column} holds {}, not {wanted}",
            self.table,
            cell.kind()
        )
    }

    /// An integer column.
    pub(crate) fn int(&mut self, index: usize, column: &str) -> Result<i64, String> {
        match self.take(index) {
            Cell::Int(value) => Ok(value),
            other => Err(self.wrong(column, &other, "an integer")),
        }
    }

    /// An integer column that may be NULL.
    pub(crate) fn opt_int(&mut self, index: usize, column: &str) -> Result<Option<i64>, String> {
        match self.take(index) {
            Cell::Null => Ok(None),
            Cell::Int(value) => Ok(Some(value)),
            other => Err(self.wrong(column, &other, "an integer")),
        }
    }

    /// A text column.
    pub(crate) fn text(&mut self, index: usize, column: &str) -> Result<String, String> {
        match self.take(index) {
            Cell::Text(value) => Ok(value),
            other => Err(self.wrong(column, &other, "text")),
        }
    }

    /// A text column that may be NULL.
    pub(crate) fn opt_text(
        &mut self,
        index: usize,
        column: &str,
    ) -> Result<Option<String>, String> {
        match self.take(index) {
            Cell::Null => Ok(None),
            Cell::Text(value) => Ok(Some(value)),
            other => Err(self.wrong(column, &other, "text")),
        }
    }

    /// A boolean column (an integer 0 or 1 in SQLite).
    pub(crate) fn boolean(&mut self, index: usize, column: &str) -> Result<bool, String> {
        match self.take(index) {
            Cell::Bool(value) => Ok(value),
            Cell::Int(0) => Ok(false),
            Cell::Int(1) => Ok(true),
            other => Err(self.wrong(column, &other, "a boolean")),
        }
    }

    /// A bytes column.
    pub(crate) fn bytes(&mut self, index: usize, column: &str) -> Result<Vec<u8>, String> {
        match self.take(index) {
            Cell::Bytes(value) => Ok(value),
            other => Err(self.wrong(column, &other, "bytes")),
        }
    }

    /// A JSON text column.
    pub(crate) fn json(&mut self, index: usize, column: &str) -> Result<serde_json::Value, String> {
        let text = self.text(index, column)?;
        serde_json::from_str(&text)
            .map_err(|error| format!("{}.{column} is not JSON ({error})", self.table))
    }
}

/// Binds `params` to `query`'s numbered placeholders, in order.
pub(crate) fn bind<'q, DB: sqlx::Database>(
    mut query: sqlx::query::Query<'q, DB, DB::Arguments<'q>>,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, DB, DB::Arguments<'q>>
where
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q [u8]: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
            Param::Bool(value) => query.bind(value),
            Param::Bytes(value) => query.bind(value),
        };
    }
    query
}
