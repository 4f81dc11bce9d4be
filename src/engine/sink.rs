//! The one place engine events go: an [`EventSink`] takes each transition's events in order and
//! gives back a [`Receipt`] that resolves once they are durable. The service's sink is the
//! journal (audit trail, stored state, log line); [`MemorySink`] keeps them in memory.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use super::actor::Actor;
use super::claim::Claim;
use super::clock::Timestamp;
use super::event::{Change, Event, Subject};
use super::ids::TenantId;

/// Why events could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unrecorded {
    /// A new session's id is already in the store; the engine draws another.
    #[error("that id is already taken")]
    IdTaken,
    /// Another live session or share (`holder`, on this node or another) holds the claim; the
    /// caller turns this into its own refusal (the agent is busy) or draws again (a share's key).
    #[error("another live session or share holds this already: end that one first, then try again")]
    Claimed {
        /// What was claimed.
        claim: Claim,
        /// The id of the session or share that holds it.
        holder: String,
    },
    /// The store refused or could not be reached (the cause is logged once, where it happened).
    #[error(
        "Duet could not record this in its audit trail, so it did not happen: try again, and if it keeps failing ask your administrator to check Duet's database"
    )]
    StoreFailed,
}

/// Takes the events of one transition, in order.
pub trait EventSink: Send + Sync + 'static {
    /// Records `events`; the receipt resolves once they are durable, or with why not.
    fn emit(&self, events: Vec<Event>) -> Receipt;
}

/// Records a change of the tenant as a whole (a setting, a sign-in) and waits until it is durable.
pub async fn record_tenant_change(
    sink: &dyn EventSink,
    tenant: &TenantId,
    actor: Actor,
    change: Change,
    now: Timestamp,
) -> Result<(), Unrecorded> {
    let event = Event {
        at: now,
        tenant: tenant.clone(),
        subject: Subject::Tenant,
        actor,
        change,
        after: None,
    };
    sink.emit(vec![event]).await
}

/// Resolves once emitted events are durable; await it.
#[derive(Debug)]
pub struct Receipt(Inner);

#[derive(Debug)]
enum Inner {
    Ready(Result<(), Unrecorded>),
    Waiting(oneshot::Receiver<Result<(), Unrecorded>>),
}

impl Receipt {
    /// A receipt that is already settled.
    pub fn ready(outcome: Result<(), Unrecorded>) -> Self {
        Self(Inner::Ready(outcome))
    }

    /// A receipt and the sender that settles it.
    pub fn pending() -> (oneshot::Sender<Result<(), Unrecorded>>, Self) {
        let (tx, rx) = oneshot::channel();
        (tx, Self(Inner::Waiting(rx)))
    }
}

impl IntoFuture for Receipt {
    type Output = Result<(), Unrecorded>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            match self.0 {
                Inner::Ready(outcome) => outcome,
                // A sink that went away without answering recorded nothing.
                Inner::Waiting(rx) => rx.await.unwrap_or(Err(Unrecorded::StoreFailed)),
            }
        })
    }
}

/// Keeps every event in memory: for tests, and for a Duet run without a store.
#[derive(Debug, Clone, Default)]
pub struct MemorySink {
    inner: Arc<Mutex<Memory>>,
}

#[derive(Debug, Default)]
struct Memory {
    events: Vec<Event>,
    failing: bool,
}

impl MemorySink {
    /// An empty sink that records everything.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Memory> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every event recorded so far.
    pub fn events(&self) -> Vec<Event> {
        self.lock().events.clone()
    }

    /// The action names recorded so far, in order.
    pub fn actions(&self) -> Vec<&'static str> {
        self.lock()
            .events
            .iter()
            .map(|e| e.change.action())
            .collect()
    }

    /// Makes every later emission fail as a broken store would (or work again).
    pub fn set_failing(&self, failing: bool) {
        self.lock().failing = failing;
    }
}

impl EventSink for MemorySink {
    fn emit(&self, events: Vec<Event>) -> Receipt {
        let mut memory = self.lock();
        if memory.failing {
            return Receipt::ready(Err(Unrecorded::StoreFailed));
        }
        memory.events.extend(events);
        Receipt::ready(Ok(()))
    }
}
