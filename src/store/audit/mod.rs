//! The audit trail's hash chain: how each record is hashed and linked, verifying a chain, and
//! exporting records.
//!
//! # The chain, for an outside verifier
//!
//! Each tenant has one chain. Its records are numbered by `seq` from 1; a record's `prev` is the
//! `hash` of the record before it, and the first record's `prev` is 64 zeros (`0` × 64).
//!
//! A record's `hash` is the lowercase hex SHA-256 of the bytes of `prev` (its 64 ASCII hex
//! characters) immediately followed by the record's *canonical JSON*: the object
//! `{seq, at, tenant, session, actor: {role, id, name}, action, detail}` — every exported field
//! except `prev` and `hash`, with `null` kept for absent values — written
//!
//! - with object keys sorted by their UTF-8 bytes, at every depth (inside `detail` too);
//! - with no whitespace between tokens;
//! - with strings escaped as serde_json escapes them: `"` → `\"`, `\` → `\\`, the control
//!   characters U+0000–U+001F as `\b \f \n \r \t` or `\u00XX` (lowercase hex), and nothing else
//!   (non-ASCII characters and `/` are written as they are, in UTF-8);
//! - with numbers as serde_json writes them (integers in decimal, other numbers in the shortest
//!   form that reads back to the same double, e.g. `2.5`, `1e-7`);
//! - `seq` as an integer and `at` as the exported RFC 3339 text, e.g.
//!   `2026-12-02T10:31:05.123Z`.
//!
//! For example `{"action":"session.joined","actor":{"id":"a-7","name":null,"role":"agent"},
//! "at":"2026-12-02T10:31:05.123Z","detail":{"attempt":2},"seq":1,"session":"s-1",
//! "tenant":"contoso"}` (on one line).
//!
//! Pruning removes a chain's oldest records. The chain then starts at a *checkpoint*: its first
//! retained seq and the `prev` that record carries; the pruning itself is recorded as an
//! `audit.pruned` record in the chain. The store keeps each chain's checkpoint and head (last
//! seq, last hash), so removing records from the start or the end is found too.

mod canonical;
mod chain;
mod export;
mod verify;
#[cfg(test)]
mod verify_tests;

pub use canonical::canonical_json;
pub use chain::{GENESIS, hashed_json, record_hash, seal, stored_detail};
pub use export::{
    AuditWriter, CSV_HEADER, ExportError, ExportFormat, UnknownFormat, csv_row, export,
};
pub use verify::{Broken, ChainVerifier, Verified, VerifyError, verify, verify_store};
