//! Rate limits: at most `limit` attempts per key in a sliding window (join attempts per agent and
//! per address, screen-share key attempts), with bounded memory.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Most keys remembered at once; past this, keys whose window has passed are forgotten first.
pub const MAX_KEYS: usize = 100_000;

/// A sliding-window limiter over string keys.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Too many attempts; try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RateLimiter {
    /// Allows `limit` attempts per key in any `window`.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::default(),
        }
    }

    /// Counts an attempt for `key` at `now`, or says how long to wait.
    pub fn attempt(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
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

    #[test]
    fn attempts_past_the_limit_are_refused_until_the_window_passes() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.attempt("agent", start).is_ok());
        }
        let refused = limiter
            .attempt("agent", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(50)));
        assert!(
            limiter.attempt("other", start).is_ok(),
            "keys are counted apart"
        );
        assert!(
            limiter
                .attempt("agent", start + Duration::from_secs(60))
                .is_ok()
        );
    }
}
