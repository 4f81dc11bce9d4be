//! The process-wide counters and histograms, and the one-line calls that move them: atomics
//! only, so the relay path counts without a lock or an allocation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::histogram::{DEPTH_BOUNDS, Histogram, LATENCY_BOUNDS};
use crate::engine::{Frame, Role};

/// Who a relayed frame was written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A customer's page (or the customer's side of a screen share).
    Customer,
    /// An agent's or supervisor's console.
    Agent,
}

impl Side {
    /// The side whose socket a connection of `role` is.
    pub fn of(role: &Role) -> Self {
        match role {
            Role::Customer => Side::Customer,
            Role::Agent(_) | Role::Supervisor(_) => Side::Agent,
        }
    }
}

/// `direction` label values, by [`Side`].
pub(super) const DIRECTIONS: [&str; 2] = ["to_customer", "to_agent"];
/// `kind` label values: a JSON text frame or a binary frame.
pub(super) const KINDS: [&str; 2] = ["text", "binary"];
/// The close codes counted apart; any other is counted as `other` (the last slot).
pub(super) const CLOSE_CODES: [u16; 8] = [1000, 4000, 4001, 4002, 4003, 4008, 4009, 4010];
/// Why a join was refused, named after its HTTP answer (`web::error::Error::reason`).
pub(super) const JOIN_REFUSALS: [&str; 10] = [
    "bad_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "busy",
    "ended",
    "rate_limited",
    "unavailable",
    "internal",
    "other",
];

/// Everything counted in this process (one process is one node).
pub(super) struct Counters {
    pub(super) joins_admitted: AtomicU64,
    pub(super) joins_asked: AtomicU64,
    pub(super) join_refusals: [AtomicU64; JOIN_REFUSALS.len()],
    /// By direction, then kind.
    pub(super) frames: [[AtomicU64; 2]; 2],
    pub(super) bytes: [[AtomicU64; 2]; 2],
    pub(super) resyncs: AtomicU64,
    /// Sessions and shares this node took over, by whether their node had stopped cleanly.
    pub(super) takeovers: [AtomicU64; 2],
    pub(super) closes: [AtomicU64; CLOSE_CODES.len() + 1],
    pub(super) relay_latency: Histogram<{ LATENCY_BOUNDS.len() }>,
    pub(super) queue_depth: Histogram<{ DEPTH_BOUNDS.len() }>,
    pub(super) store_commit: Histogram<{ LATENCY_BOUNDS.len() }>,
    pub(super) bus_latency: Histogram<{ LATENCY_BOUNDS.len() }>,
}

const fn zeros<const N: usize>() -> [AtomicU64; N] {
    [const { AtomicU64::new(0) }; N]
}

pub(super) static COUNTERS: Counters = Counters {
    joins_admitted: AtomicU64::new(0),
    joins_asked: AtomicU64::new(0),
    join_refusals: zeros(),
    frames: [const { zeros() }; 2],
    bytes: [const { zeros() }; 2],
    resyncs: AtomicU64::new(0),
    takeovers: zeros(),
    closes: zeros(),
    relay_latency: Histogram::seconds(&LATENCY_BOUNDS),
    queue_depth: Histogram::counts(&DEPTH_BOUNDS),
    store_commit: Histogram::seconds(&LATENCY_BOUNDS),
    bus_latency: Histogram::seconds(&LATENCY_BOUNDS),
};

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// An agent joined a session (`admitted`), or asked the customer to let them in.
pub fn joined(admitted: bool) {
    bump(if admitted {
        &COUNTERS.joins_admitted
    } else {
        &COUNTERS.joins_asked
    });
}

/// A join was refused for `reason` (one of the names `web::error::Error::reason` gives).
pub fn join_refused(reason: &str) {
    let other = JOIN_REFUSALS.len() - 1;
    let index = JOIN_REFUSALS.iter().position(|known| *known == reason);
    bump(&COUNTERS.join_refusals[index.unwrap_or(other)]);
}

/// A relayed frame was written to a socket of `to`.
pub fn relayed(to: Side, frame: &Frame) {
    let direction = match to {
        Side::Customer => 0,
        Side::Agent => 1,
    };
    let (kind, len) = match frame {
        Frame::Text(text) => (0, text.len()),
        Frame::Binary(bytes) => (1, bytes.len()),
    };
    bump(&COUNTERS.frames[direction][kind]);
    COUNTERS.bytes[direction][kind].fetch_add(len as u64, Ordering::Relaxed);
}

/// An item was queued for a connection behind `waiting` others.
pub fn queued(waiting: usize) {
    COUNTERS.queue_depth.observe_count(waiting as u64);
}

/// A queued item, pushed at `pushed_at`, was written to its socket (or buffered to be, with the
/// next flush).
pub fn written(pushed_at: Option<Instant>) {
    if let Some(pushed_at) = pushed_at {
        COUNTERS.relay_latency.observe_duration(pushed_at.elapsed());
    }
}

/// An agent fell behind and was marked to wait for the next full snapshot.
pub fn resync() {
    bump(&COUNTERS.resyncs);
}

/// A socket was closed with `code`.
pub fn closed(code: u16) {
    let index = CLOSE_CODES.iter().position(|known| *known == code);
    bump(&COUNTERS.closes[index.unwrap_or(CLOSE_CODES.len())]);
}

/// This node took a session or share over from another node (`clean`: one that stopped cleanly
/// or let go of it; else one that died).
pub fn took_over(clean: bool) {
    bump(&COUNTERS.takeovers[usize::from(clean)]);
}

/// Runs a store commit and observes how long it took.
pub async fn time_commit<T>(commit: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let done = commit.await;
    COUNTERS.store_commit.observe_duration(started.elapsed());
    done
}

/// Observes how long one message took over the bus between nodes (`duet_bus_latency_seconds`):
/// the cluster's bus calls this for each message it measures.
pub fn observe_bus_latency(elapsed: Duration) {
    COUNTERS.bus_latency.observe_duration(elapsed);
}
