//! What can go wrong with the store once it is open: the database failing, a stored row that
//! cannot be read, a query the store refuses.

use super::rows::MalformedRecord;

/// Why a store operation did not complete.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed; nothing of the operation was stored.
    #[error(
        "the database failed while {operation}: {reason}: check that the database is reachable \
         and has room, then retry"
    )]
    Database {
        /// What the store was doing, e.g. "committing writes".
        operation: &'static str,
        /// The driver's words, on one line.
        reason: String,
    },
    /// A stored row holds something the store cannot read.
    #[error(
        "a stored row cannot be read: {what}: the database was changed outside Duet; restore it \
         from a backup or remove the row"
    )]
    Corrupt {
        /// Which row and column, and what is wrong.
        what: String,
    },
    /// A stored audit record cannot be read.
    #[error(
        "the audit record {seq} of tenant {tenant} cannot be read: {problem}: verify the audit \
         trail to find every damaged record",
        tenant = .0.tenant,
        seq = .0.seq.map_or_else(|| "?".to_owned(), |seq| seq.to_string()),
        problem = .0.problem
    )]
    Malformed(MalformedRecord),
    /// The caller asked for something the store does not do.
    #[error("{0}")]
    Refused(String),
}

impl StoreError {
    /// Wraps a driver error with what the store was doing; the reason is kept on one line.
    pub(crate) fn database(operation: &'static str, error: sqlx::Error) -> Self {
        Self::Database {
            operation,
            reason: one_line(&error.to_string()),
        }
    }
}

/// The text on one line: line breaks become spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
