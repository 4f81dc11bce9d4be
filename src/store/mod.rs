//! Duet's durable store: the [`Store`] trait, its own plain rows, times shown as RFC 3339, its
//! errors and the hash-chained audit trail; and the tenant's JSON documents in the data
//! directory ([`JsonFile`]).

mod api;
pub mod audit;
mod clock;
mod error;
mod json_file;
mod rows;

pub use api::Store;
pub use clock::{TimeError, parse_rfc3339, rfc3339};
pub use error::StoreError;
pub use json_file::{BOOKMARKS, JsonFile, TENANT_DOCUMENTS, forget_tenant};
pub use rows::{
    ActorRef, Activity, AuditQuery, AuditRecord, AuditRow, ChainHead, Forgotten, MalformedRecord,
    Millis, NewAuditRecord, Outcome, PartyRow, Pruned, SubjectKind, SubjectRow, Write,
};
