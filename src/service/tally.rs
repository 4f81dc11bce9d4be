//! The store as the rate limits' [`SharedTally`]: when several nodes share one PostgreSQL, the
//! guessing limits count there, so an attacker spreading guesses over the nodes gains nothing.
//! Buckets are a SHA-256 of the limit's name and its key: no address or id is stored.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::engine::{Clock, RetryAfter, SharedTally};
use crate::store::{Attempt, Store, Tally};

/// Counts attempts in the store.
pub struct StoreTally {
    store: Arc<dyn Store>,
    clock: Clock,
}

impl StoreTally {
    /// Counts in `store`, at `clock`'s time.
    pub fn new(store: Arc<dyn Store>, clock: Clock) -> Self {
        Self { store, clock }
    }
}

#[async_trait]
impl SharedTally for StoreTally {
    async fn attempt(
        &self,
        limit: &str,
        key: &str,
        allowed: usize,
        window: Duration,
    ) -> Option<Result<(), RetryAfter>> {
        let attempt = Attempt {
            bucket: bucket(limit, key),
            at: self.clock.now().unix_millis(),
            window: i64::try_from(window.as_millis()).unwrap_or(i64::MAX),
            limit: i64::try_from(allowed).unwrap_or(i64::MAX),
        };
        match self.store.count_attempt(&attempt).await {
            Ok(Tally::Counted) => Some(Ok(())),
            Ok(Tally::Refused { retry_after }) => {
                let wait = Duration::from_millis(u64::try_from(retry_after).unwrap_or(0));
                Some(Err(RetryAfter(wait)))
            }
            Err(error) => {
                tracing::warn!(limit, error = %error, "the store could not count an attempt; this node counts it alone");
                None
            }
        }
    }
}

/// The stored bucket of `key` under the limit `limit`.
fn bucket(limit: &str, key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(limit.as_bytes());
    hash.update([0]);
    hash.update(key.as_bytes());
    hex::encode(hash.finalize())
}
