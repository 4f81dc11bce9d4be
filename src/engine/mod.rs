//! Sessions and their rules, independent of transport: ids, state machines, timers, the
//! one-per-agent registry and the rooms that fan frames out. Knows nothing of HTTP or WebSockets.

pub mod bookmarks;
pub mod cell;
pub mod ids;
pub mod limits;
pub mod registry;
pub mod room;
pub mod screenshare;
pub mod session;

pub use cell::SessionCell;
pub use ids::SessionId;
pub use limits::{RateLimiter, RetryAfter};
pub use registry::{Attachment, Registry};
pub use room::{ConnId, Frame, Inbox, Notice, Outbound, Role};
pub use screenshare::{NewShare, Share, ShareEnd, ShareError, ShareRegistry, ShareState};
pub use session::{
    AgentId, ControlError, ControlMode, ControlOutcome, EndReason, JoinError, Session, Sharer,
    State,
};
