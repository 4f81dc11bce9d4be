//! Sessions and their rules, independent of transport: ids, the co-browse and screen-share state
//! machines, the events every change emits to one sink, the registry skeleton both kinds share,
//! time limits, and the rooms that fan frames out. Knows nothing of HTTP, WebSockets or SQL.

pub mod actor;
pub mod bookmarks;
pub mod cell;
pub mod claim;
pub mod clock;
pub mod cobrowse;
pub mod event;
pub mod ids;
pub mod lane;
pub mod limits;
pub mod machine;
pub mod notice;
pub mod registry;
pub mod room;
pub mod screenshare;
pub mod session;
pub mod share;
pub mod sink;
pub mod tape;

pub use actor::{Actor, ActorRole, AgentId, Role};
pub use cell::Cell;
pub use claim::Claim;
pub use clock::{Activity, Clock, Timestamp};
pub use cobrowse::Sessions;
pub use event::{Change, Event, Happened, ShareEndReason, Snapshot, Subject};
pub use ids::{ConnId, SessionId, ShareId, TenantId};
pub use lane::Inbox;
pub use limits::{RateLimiter, RetryAfter, SharedTally};
pub use machine::{AttachError, Machine};
pub use notice::{Consent, JoinRequestView, Notice};
pub use registry::{Attachment, Registry, Scope};
pub use room::{Frame, Outbound};
pub use screenshare::{NewShare, Shares};
pub use session::{
    ControlError, ControlMode, ControlOutcome, EndReason, JoinError, MAX_WATCHED, Session, Sharer,
    SharerKind, State, Watch, agent_handle,
};
pub use share::{Share, ShareEnd, ShareError, ShareNotice, ShareState};
pub use sink::{EventSink, MemorySink, Receipt, Unrecorded};
pub use tape::{Tape, TapeDeck, TapeKind, Taped, ToRecorder};
