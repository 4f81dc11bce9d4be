//! Rate limits: at most `limit` attempts per key in a sliding window (join attempts per agent and
//! per address, screen-share key attempts). One [`RateLimiter`] type with two backings chosen at
//! start-up: this node's memory (bounded), or a [`SharedTally`] every node counts in (the store,
//! when several nodes share one PostgreSQL), with memory as the fallback when it cannot count.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

/// Most keys remembered at once; past this, keys whose window has passed are forgotten first.
pub const MAX_KEYS: usize = 100_000;

/// Where every node counts attempts (the store, in a cluster).
#[async_trait]
pub trait SharedTally: Send + Sync + 'static {
    /// Counts one attempt of `key` against the limit named `limit` (`allowed` per `window`):
    /// `Some(Ok)` counted, `Some(Err)` over the limit and not counted, `None` when it could not
    /// count (it logs why; the limiter then counts in memory).
    async fn attempt(
        &self,
        limit: &str,
        key: &str,
        allowed: usize,
        window: Duration,
    ) -> Option<Result<(), RetryAfter>>;
}

/// A sliding-window limiter over string keys.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
    shared: Option<Shared>,
}

/// The shared backing: the limit's name (its counts are apart from every other limit's) and the
/// tally.
struct Shared {
    name: &'static str,
    tally: Arc<dyn SharedTally>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("name", &self.name).finish()
    }
}

/// Too many attempts; try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RateLimiter {
    /// Allows `limit` attempts per key in any `window`, counted in this node's memory.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::default(),
            shared: None,
        }
    }

    /// Counts in `tally`, when given, under the limit's `name`, so every node sees the attempts.
    pub fn shared(mut self, name: &'static str, tally: Option<Arc<dyn SharedTally>>) -> Self {
        self.shared = tally.map(|tally| Shared { name, tally });
        self
    }

    /// Counts an attempt for `key` at `now`, or says how long to wait.
    pub async fn attempt(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        if let Some(shared) = &self.shared {
            let counted = shared
                .tally
                .attempt(shared.name, key, self.limit, self.window)
                .await;
            if let Some(verdict) = counted {
                return verdict;
            }
        }
        self.attempt_in_memory(key, now)
    }

    fn attempt_in_memory(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if hits.len() >= MAX_KEYS && !hits.contains_key(key) {
            hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|&t| now.saturating_duration_since(t) < self.window)
            });
        }
        let times = hits.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.limit {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(RetryAfter(
                self.window
                    .saturating_sub(now.saturating_duration_since(oldest)),
            ));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn attempts_past_the_limit_are_refused_until_the_window_passes() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.attempt("agent", start).await.is_ok());
        }
        let refused = limiter
            .attempt("agent", start + Duration::from_secs(10))
            .await
            .unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(50)));
        assert!(
            limiter.attempt("other", start).await.is_ok(),
            "keys are counted apart"
        );
        assert!(
            limiter
                .attempt("agent", start + Duration::from_secs(60))
                .await
                .is_ok()
        );
    }

    /// A tally that cannot count.
    struct Unavailable;

    #[async_trait]
    impl SharedTally for Unavailable {
        async fn attempt(
            &self,
            _: &str,
            _: &str,
            _: usize,
            _: Duration,
        ) -> Option<Result<(), RetryAfter>> {
            None
        }
    }

    #[tokio::test]
    async fn a_shared_tally_that_cannot_count_falls_back_to_this_nodes_memory() {
        let tally: Arc<dyn SharedTally> = Arc::new(Unavailable);
        let limiter = RateLimiter::new(2, Duration::from_secs(60)).shared("joins", Some(tally));
        let now = Instant::now();
        assert!(limiter.attempt("agent", now).await.is_ok());
        assert!(limiter.attempt("agent", now).await.is_ok());
        assert!(limiter.attempt("agent", now).await.is_err());
    }
}
