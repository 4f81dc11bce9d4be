//! What the shared registry skeleton needs from a state machine: a co-browse [`Session`] and a
//! screen [`Share`] both implement [`Machine`], so one [`Registry`] holds either.
//!
//! [`Session`]: super::session::Session
//! [`Share`]: super::share::Share
//! [`Registry`]: super::registry::Registry

use std::fmt;
use std::hash::Hash;
use std::time::Duration;

use super::actor::{Actor, AgentId, Role};
use super::claim::Claim;
use super::clock::{Activity, Timestamp};
use super::event::{Happened, Snapshot, Subject};
use super::ids::{ConnId, TenantId};
use super::room::Room;
use crate::config::Timeouts;

/// Why a connection could not attach, or an id could not be used; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    /// Nothing live has that id.
    #[error("{0}")]
    NotFound(String),
    /// It is over.
    #[error("{0}")]
    Ended(String),
    /// The customer turned this party away.
    #[error("{0}")]
    NotAllowed(String),
    /// The place asked for is taken by someone already connected.
    #[error("{0}")]
    Occupied(String),
    /// The store could not record the return of a party who had left.
    #[error(transparent)]
    Unrecorded(#[from] super::sink::Unrecorded),
}

/// A session or share state machine: encapsulated state, every change returned as [`Happened`].
pub trait Machine: Clone + fmt::Debug + Send + Sync + 'static {
    /// Its id type.
    type Id: Copy + Eq + Hash + Ord + fmt::Display + fmt::Debug + Send + Sync + 'static;
    /// Why it ends.
    type EndReason: Copy + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// The end when the conversation it belongs to ends.
    const INTERACTION_ENDED: Self::EndReason;
    /// How long an ended one is remembered, so late callers hear that it ended.
    const ENDED_RETENTION: Duration;

    /// Its id.
    fn id(&self) -> Self::Id;
    /// Whose it is.
    fn tenant(&self) -> &TenantId;
    /// Its subject in events.
    fn subject(&self) -> Subject;
    /// The conversation it belongs to.
    fn conversation(&self) -> Option<&str>;
    /// Whether it is still going.
    fn is_live(&self) -> bool;
    /// When it ended.
    fn ended_at(&self) -> Option<Timestamp>;
    /// The agents it holds, for the one-live-per-agent rule.
    fn agents(&self) -> Vec<AgentId>;
    /// What it holds alone among the live ones of its kind, on every node (nothing once ended).
    fn claims(&self) -> Vec<Claim>;
    /// Its activity stamp, shared with the relay path.
    fn activity(&self) -> Activity;
    /// Its state, for the store.
    fn snapshot(&self) -> Snapshot;

    /// The refusal for an id nothing has (or remembers).
    fn not_found(id: Self::Id) -> AttachError;
    /// Whether `role` may connect now.
    fn admits(&self, role: &Role) -> Result<(), AttachError>;
    /// Whether `role` may connect only to wait (hearing notices, no content).
    fn holds(&self, _role: &Role) -> bool {
        false
    }
    /// `role`'s first connection arrived.
    fn arrived(&mut self, role: &Role, now: Timestamp) -> Vec<Happened>;
    /// `role`'s last connection went away; `agents_left` agent connections remain.
    fn departed(&mut self, role: &Role, agents_left: usize, now: Timestamp) -> Vec<Happened>;
    /// Ends it for good; nothing when it had already ended.
    fn end(&mut self, reason: Self::EndReason, by: Actor, now: Timestamp) -> Vec<Happened>;
    /// Applies the time limits at `now`.
    fn tick(&mut self, now: Timestamp, timeouts: &Timeouts) -> Vec<Happened>;
    /// After a restart: everyone must reconnect; the gap began at `stopped_at`.
    fn resume(&mut self, stopped_at: Timestamp, clean: bool, now: Timestamp) -> Vec<Happened>;

    /// Tells the connected participants what `happened` means for them.
    fn tell(&self, happened: &[Happened], room: &mut Room);
    /// Tells everyone the current state (someone connected or left).
    fn announce(&self, room: &mut Room);
    /// What the fresh connection `conn` of `role` needs besides the state (an agent needs a
    /// snapshot).
    fn greet(&self, conn: ConnId, role: &Role, room: &mut Room);
}
