//! The service's event sink: every engine event is written by one task, in the order it was
//! emitted, as an audit record in the tenant's hash chain and (for sessions and shares) their
//! stored state, many transitions to one database transaction. Each transition's receipt settles
//! when its group is committed, so the engine tells no one of a change that is not durable.
//!
//! The queue needs no bound of its own: every emitter awaits its receipt, and a session's
//! transitions are serialised, so what waits is at most one transition per session or request.

mod log;
mod rows;

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::engine::{Claim, Event, EventSink, Receipt, Unrecorded};
use crate::store::{Outcome, Store, Write};

pub use rows::audit_record;

/// Most transitions written in one database transaction.
pub const MAX_BATCH: usize = 512;
/// Most refused changes that take something away (endings, revocations) kept to write again
/// once the store answers; past this the oldest are dropped, and that is logged.
pub const MAX_BACKLOG: usize = 10_000;

/// The sink that writes to the store.
#[derive(Debug, Clone)]
pub struct Journal {
    queue: mpsc::UnboundedSender<Emission>,
}

#[derive(Debug)]
struct Emission {
    writes: Vec<Write>,
    /// Whether the engine waits for this to be durable before it applies the change.
    required: bool,
    settled: oneshot::Sender<Result<(), Unrecorded>>,
}

impl Journal {
    /// Starts the writer task on `store`; it runs until every `Journal` clone is dropped.
    pub fn start(store: Arc<dyn Store>) -> (Self, tokio::task::JoinHandle<()>) {
        let (queue, incoming) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_all(store, incoming));
        (Self { queue }, writer)
    }
}

impl EventSink for Journal {
    fn emit(&self, events: Vec<Event>) -> Receipt {
        log::observe(&events);
        let required = events.iter().any(|event| event.change.needs_record());
        let (settled, receipt) = Receipt::pending();
        let emission = Emission {
            writes: rows::writes(&events),
            required,
            settled,
        };
        if self.queue.send(emission).is_err() {
            return Receipt::ready(Err(Unrecorded::StoreFailed));
        }
        receipt
    }
}

/// A sink that writes nothing: what `DUET_DATABASE_URL=none` runs with (no audit trail, nothing
/// kept across a restart), to measure Duet without its store. It still logs the end lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discard;

impl EventSink for Discard {
    fn emit(&self, events: Vec<Event>) -> Receipt {
        log::observe(&events);
        Receipt::ready(Ok(()))
    }
}

/// The writer: takes what is queued, commits it as one transaction, settles each receipt.
async fn write_all(store: Arc<dyn Store>, mut incoming: mpsc::UnboundedReceiver<Emission>) {
    let mut backlog: VecDeque<Vec<Write>> = VecDeque::new();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while incoming.recv_many(&mut batch, MAX_BATCH).await > 0 {
        retry_backlog(&*store, &mut backlog).await;
        let groups: Vec<Vec<Write>> = batch.iter().map(|e| e.writes.clone()).collect();
        match crate::metrics::time_commit(store.commit(&groups)).await {
            Ok(outcomes) => settle(batch.drain(..), outcomes),
            Err(error) => {
                tracing::error!(error = %error, transitions = batch.len(), "the store refused a batch of audit records");
                for emission in batch.drain(..) {
                    keep_for_later(&mut backlog, &emission);
                    let _ = emission.settled.send(Err(Unrecorded::StoreFailed));
                }
            }
        }
    }
}

fn settle(emissions: impl Iterator<Item = Emission>, outcomes: Vec<Outcome>) {
    for (emission, outcome) in emissions.zip(outcomes) {
        let settled = match outcome {
            Outcome::Committed => Ok(()),
            Outcome::IdTaken => Err(Unrecorded::IdTaken),
            Outcome::Claimed { claim, holder } => match Claim::from_stored(&claim) {
                Some(claim) => Err(Unrecorded::Claimed { claim, holder }),
                None => Err(Unrecorded::StoreFailed),
            },
            Outcome::Failed(reason) => {
                let action = emission.writes.first().map(|w| w.audit.action.as_str());
                tracing::error!(reason = %reason, action = ?action, "the store refused an audit record");
                Err(Unrecorded::StoreFailed)
            }
        };
        let _ = emission.settled.send(settled);
    }
}

/// Changes that take effect without a record (endings, revocations) are written again later.
fn keep_for_later(backlog: &mut VecDeque<Vec<Write>>, emission: &Emission) {
    if emission.required {
        return;
    }
    if backlog.len() == MAX_BACKLOG {
        backlog.pop_front();
        tracing::error!(
            "audit records waiting for the store passed {MAX_BACKLOG}; the oldest was dropped"
        );
    }
    backlog.push_back(emission.writes.clone());
}

async fn retry_backlog(store: &dyn Store, backlog: &mut VecDeque<Vec<Write>>) {
    if backlog.is_empty() {
        return;
    }
    let groups: Vec<Vec<Write>> = backlog.iter().cloned().collect();
    if let Ok(outcomes) = store.commit(&groups).await {
        let written = outcomes
            .iter()
            .filter(|o| **o == Outcome::Committed)
            .count();
        tracing::info!(
            written,
            of = groups.len(),
            "audit records that waited for the store were written"
        );
        backlog.clear();
    }
}
