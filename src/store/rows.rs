//! The store's own plain row types: what goes in and what comes out. They know nothing of the
//! engine or the web layer; times are [`Millis`] (unix milliseconds, UTC).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A moment as unix milliseconds, UTC.
pub type Millis = i64;

/// Who did something, as the audit shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    /// `customer`, `agent`, `supervisor`, `admin` or `system`.
    pub role: String,
    /// The actor's id, when it has one.
    pub id: Option<String>,
    /// The actor's display name, when known.
    pub name: Option<String>,
}

impl ActorRef {
    /// Duet itself, acting on its own (pruning, expiry).
    pub fn system() -> Self {
        Self {
            role: "system".to_owned(),
            id: None,
            name: None,
        }
    }
}

/// One audit record to append; seq, prev and hash are assigned by the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditRecord {
    /// The tenant whose chain the record joins.
    pub tenant: String,
    /// When it happened.
    pub at: Millis,
    /// A session id or a share id, when the record is about one.
    pub session: Option<String>,
    /// Who did it.
    pub actor: ActorRef,
    /// What happened, e.g. `session.joined`.
    pub action: String,
    /// The particulars, a JSON object.
    pub detail: Value,
}

/// A stored audit record, exactly the exported fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// The record's place in its tenant's chain, from 1.
    pub seq: i64,
    /// When it happened, RFC 3339 with milliseconds and `Z`.
    pub at: String,
    /// The tenant whose chain holds it.
    pub tenant: String,
    /// A session id or a share id, when the record is about one.
    pub session: Option<String>,
    /// Who did it.
    pub actor: ActorRef,
    /// What happened.
    pub action: String,
    /// The particulars.
    pub detail: Value,
    /// The previous record's hash (64 zeros before the first record), lowercase hex.
    pub prev: String,
    /// This record's hash, lowercase hex (see [`crate::store::audit`] for its definition).
    pub hash: String,
}

/// An audit row as read for verification: the record, or why it cannot be read.
pub type AuditRow = Result<AuditRecord, MalformedRecord>;

/// A stored audit record that cannot be read (a column of the wrong type, detail that is not JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedRecord {
    /// The tenant whose chain holds it.
    pub tenant: String,
    /// Its seq, when that much can be read.
    pub seq: Option<i64>,
    /// What is wrong, in words.
    pub problem: String,
}

/// A session or share and the node of a cluster that holds it (`None`: no node does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The tenant it belongs to.
    pub tenant: String,
    /// Its id.
    pub id: String,
    /// The node that holds it, if one does.
    pub node: Option<String>,
}

/// Which kind of subject a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    /// A co-browse session, stored as `session`.
    Session,
    /// A screen share, stored as `share`.
    Share,
}

impl SubjectKind {
    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Share => "share",
        }
    }

    /// The kind a stored word names, if any.
    pub fn from_stored(word: &str) -> Option<Self> {
        match word {
            "session" => Some(Self::Session),
            "share" => Some(Self::Share),
            _ => None,
        }
    }
}

/// A party of a session: who joined, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyRow {
    /// `customer`, `agent`, `supervisor`.
    pub role: String,
    /// The party's id.
    pub id: String,
    /// The party's display name, when known.
    pub name: Option<String>,
    /// When the party joined.
    pub joined_at: Millis,
}

/// The durable state of one co-browse session or screen share after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectRow {
    /// The tenant it belongs to.
    pub tenant: String,
    /// Session or share.
    pub kind: SubjectKind,
    /// Its id, unique within (tenant, kind).
    pub id: String,
    /// The engine's name for its state.
    pub state: String,
    /// Whether it is still going on.
    pub live: bool,
    /// The Omnichannel conversation it belongs to, when known.
    pub conversation: Option<String>,
    /// When it was created.
    pub created_at: Millis,
    /// When something last happened in it.
    pub last_activity_at: Millis,
    /// When it ended, once it has.
    pub ended_at: Option<Millis>,
    /// Who joined it, in order.
    pub parties: Vec<PartyRow>,
    /// The engine's whole state, opaque to the store.
    pub doc: Value,
    /// What it holds alone among the subjects of its kind, across every node sharing the
    /// database (`agent:<id>`, `key:<digits>`): written with its state, replacing what it held;
    /// one another subject holds refuses the write ([`Outcome::Claimed`]). Reads leave it empty.
    #[serde(default)]
    pub claims: Vec<String>,
}

/// One thing that happened: its audit record and, when it changed a session or share, that
/// subject's new state.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// The record appended to the tenant's audit chain.
    pub audit: NewAuditRecord,
    /// The subject's new state, when the change touched one.
    pub subject: Option<SubjectRow>,
    /// True when the subject is new: its (tenant, kind, id) must not exist yet.
    pub creates: bool,
}

/// What became of one group of writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every write of the group is stored.
    Committed,
    /// A write had `creates` set and its (tenant, kind, id) already exists; nothing is stored.
    IdTaken,
    /// A write's subject claims what another subject holds; nothing of the group is stored.
    Claimed {
        /// The claim, as the subject gave it.
        claim: String,
        /// The id of the subject that holds it.
        holder: String,
    },
    /// The database refused a write of the group (the reason); nothing of the group is stored.
    Failed(String),
}

/// Activity seen in a subject: raises its `last_activity_at` to `at` (never lowers it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// The subject's tenant.
    pub tenant: String,
    /// Session or share.
    pub kind: SubjectKind,
    /// The subject's id.
    pub id: String,
    /// When the activity was seen.
    pub at: Millis,
}

/// Which of one tenant's sessions or shares to list ([`crate::store::Store::recent_subjects`]):
/// the live ones and those ended since a moment, newest first, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectQuery {
    /// Whose.
    pub tenant: String,
    /// Sessions or shares.
    pub kind: SubjectKind,
    /// The ended ones are listed when they ended at or after this moment; live ones always.
    pub live_or_ended_since: Millis,
    /// Only those whose id, conversation or a party's name contains this text; empty for all.
    /// ASCII letters match in either case, any other character only as written.
    pub containing: String,
    /// At most this many, the newest (by `created_at`, then id).
    pub limit: u32,
}

/// Which audit records to read, ordered by tenant then seq.
///
/// Paging: pass the last seq seen as `after_seq`, together with its `tenant` (paging is per
/// tenant; [`crate::store::Store::tenants`] lists them). `after_seq` without a tenant is refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditQuery {
    /// Only this tenant's chain.
    pub tenant: Option<String>,
    /// Only records about this session or share id.
    pub session: Option<String>,
    /// Only records at or after this moment.
    pub since: Option<Millis>,
    /// Only records whose seq is greater (needs `tenant`).
    pub after_seq: Option<i64>,
    /// At most this many records (0 reads none).
    pub limit: u32,
}

/// Where a tenant's retained chain starts (its checkpoint) and where it ends (its head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// The seq of the first retained record (1 until the chain is pruned).
    pub first_seq: i64,
    /// The `prev` the first retained record must carry (64 zeros until the chain is pruned).
    pub first_prev: String,
    /// The seq of the last record (0 while the chain is empty).
    pub last_seq: i64,
    /// The hash of the last record (64 zeros while the chain is empty).
    pub last_hash: String,
}

/// What pruning a tenant's audit chain did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    /// How many records were removed.
    pub removed: u64,
    /// The seq of the `audit.pruned` record that says so, when anything was removed.
    pub recorded_as: Option<i64>,
}

/// What forgetting a tenant removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forgotten {
    /// Co-browse session rows.
    pub sessions: u64,
    /// Screen share rows.
    pub shares: u64,
    /// Tenant settings.
    pub settings: u64,
    /// Audit records (only when the audit trail was purged too).
    pub audit_records: u64,
}

/// One attempt against a rate limit that every node sharing the database counts
/// ([`crate::store::Store::count_attempt`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// What is counted: a limit's name and its key, hashed by the caller.
    pub bucket: String,
    /// When it was made.
    pub at: Millis,
    /// The window's length (at least 1).
    pub window: Millis,
    /// How many attempts a window allows.
    pub limit: i64,
}

/// What became of an [`Attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// Counted: it was within the limit.
    Counted,
    /// Not counted: over the limit; try again in about this many milliseconds (the rest of the
    /// current window).
    Refused {
        /// Milliseconds to wait.
        retry_after: Millis,
    },
}
