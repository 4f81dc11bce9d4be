//! How often one agent or one address may call the endpoints an attacker would hammer: joining
//! by id and looking up screen-share keys (guessing), signing in, looking up a conversation's
//! pending session, and starting sessions. Each limit counts every attempt, whatever its outcome,
//! so a guess costs the same whether it hits or not. The guessing limits (joins, key lookups)
//! are counted where every node sees them when the service has a shared tally (a cluster on
//! PostgreSQL); the others are each node's.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::{RateLimiter, RetryAfter, SharedTally};

use super::error::Error;

const MINUTE: Duration = Duration::from_secs(60);

/// The web layer's rate limits, shared by every handler.
#[derive(Debug)]
pub struct Limits {
    /// Join attempts per signed-in agent: 10 a minute.
    pub joins_per_agent: RateLimiter,
    /// Join attempts per address, as configured (a contact centre may share one address).
    pub joins_per_address: RateLimiter,
    /// Screen-share key lookups per address: 30 a minute (keys are six digits).
    pub key_lookups: RateLimiter,
    /// Sign-ins per address, as configured (a contact centre's agents share one at shift start).
    pub sign_ins: RateLimiter,
    /// Pending-session lookups per agent: 60 a minute (a console asks once per app tab).
    pub pending_per_agent: RateLimiter,
    /// Pending-session lookups per address, as configured.
    pub pending_per_address: RateLimiter,
    /// Sessions started per address, as configured (customers behind one NAT share an address).
    pub sessions_per_address: RateLimiter,
}

impl Limits {
    /// The limits, each per-address one allowing `per_address_per_minute`, counted apart; the
    /// guessing limits in `shared` when given (every node counts there), else in memory.
    pub fn new(per_address_per_minute: usize, shared: Option<Arc<dyn SharedTally>>) -> Self {
        let per_address = || RateLimiter::new(per_address_per_minute, MINUTE);
        let tally = || shared.clone();
        Self {
            joins_per_agent: RateLimiter::new(10, MINUTE).shared("joins_per_agent", tally()),
            joins_per_address: per_address().shared("joins_per_address", tally()),
            key_lookups: RateLimiter::new(30, MINUTE).shared("key_lookups", tally()),
            sign_ins: per_address(),
            pending_per_agent: RateLimiter::new(60, MINUTE),
            pending_per_address: per_address(),
            sessions_per_address: per_address(),
        }
    }
}

/// Counts one attempt against each `(limiter, key)`; over any limit, a 429 whose message is
/// `what` followed by how long to wait.
pub async fn attempt(checks: &[(&RateLimiter, &str)], what: &str) -> Result<(), Error> {
    let now = tokio::time::Instant::now();
    let mut verdict = Ok(());
    for (limiter, key) in checks {
        verdict = verdict.and(limiter.attempt(key, now).await);
    }
    verdict.map_err(|RetryAfter(wait)| {
        Error::TooManyRequests(format!("{what}; wait {} seconds", wait.as_secs().max(1)))
    })
}

/// The address as a limiter key.
pub fn address(peer: SocketAddr) -> String {
    peer.ip().to_string()
}
