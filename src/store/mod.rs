//! Duet's durable store: co-browse sessions and screen shares with their parties, tenant
//! settings, secrets, node heartbeats, which node of a cluster holds what, and each tenant's
//! hash-chained audit trail, behind the
//! [`Store`] trait, in SQLite (embedded, the default: [`SqliteStore`]) or PostgreSQL
//! ([`PostgresStore`]); and [`JsonFile`], where an earlier Duet kept bookmarks.
//!
//! The store knows nothing of the engine or the web layer: it takes and gives its own plain
//! rows ([`SubjectRow`], [`NewAuditRecord`], …), with times as unix milliseconds ([`Millis`])
//! shown as RFC 3339 ([`rfc3339`]). [`open`] picks the implementation from a database URL and
//! runs the migrations in `migrations/sqlite/` or `migrations/postgres/`.

mod api;
pub mod audit;
mod clock;
pub mod command;
mod error;
mod json_file;
mod open;
mod postgres;
mod rows;
mod sql;
mod sqlite;

pub use api::Store;
pub use clock::{TimeError, parse_rfc3339, rfc3339};
pub use error::StoreError;
pub use json_file::{BOOKMARKS, JsonFile};
pub use open::{OpenError, open, redact};
pub use postgres::PostgresStore;
pub use rows::{
    Activity, ActorRef, Attempt, AuditQuery, AuditRecord, AuditRow, ChainHead, Forgotten, Held,
    MalformedRecord, Millis, NewAuditRecord, Outcome, PartyRow, Pruned, SubjectKind, SubjectQuery,
    SubjectRow, Tally, Write,
};
pub use sqlite::SqliteStore;
