//! How long to wait between attempts: throttling (429 `Retry-After`), 5xx and timeouts, and polling.

use std::time::Duration;

/// Back-off and polling timings; [`RetryPolicy::default`] suits a real org, tests shrink it.
///
/// Throttling has its own budget (`max_throttle_waits`, `max_throttle_total`): a 429 says the
/// request was not processed, so waiting it out never uses up the attempts kept for 5xx and
/// timeouts, whose outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request for 5xx and timeouts, the first included.
    pub max_attempts: u32,
    /// Wait before the first retry of a 5xx or timeout; doubled on each further retry.
    pub base_delay: Duration,
    /// Longest back-off wait.
    pub max_delay: Duration,
    /// Longest single `Retry-After` honoured; a longer one is cut to this.
    pub max_retry_after: Duration,
    /// How long one second of `Retry-After` lasts: one second, except in tests.
    pub retry_after_unit: Duration,
    /// 429 answers waited out per request before giving up.
    pub max_throttle_waits: u32,
    /// Total time spent waiting out 429s per request before giving up.
    pub max_throttle_total: Duration,
    /// Wait between two polls of an asynchronous operation.
    pub poll_interval: Duration,
    /// Longest wait for an asynchronous operation to finish.
    pub poll_timeout: Duration,
    /// Timeout of one HTTP request (the solution upload included).
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(15 * 60),
            retry_after_unit: Duration::from_secs(1),
            max_throttle_waits: 20,
            max_throttle_total: Duration::from_secs(60 * 60),
            poll_interval: Duration::from_secs(3),
            poll_timeout: Duration::from_secs(30 * 60),
            request_timeout: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The back-off before retry number `retry` (1 for the first retry) of a 5xx or timeout.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait a 429 asks for: all of its `Retry-After` seconds (up to `max_retry_after`),
    /// else the back-off for throttle number `retry`.
    pub fn throttle_wait(&self, retry_after: Option<&str>, retry: u32) -> Duration {
        retry_after
            .and_then(|value| value.trim().parse::<u32>().ok())
            .map(|secs| self.retry_after_unit.saturating_mul(secs))
            .unwrap_or_else(|| self.backoff(retry))
            .min(self.max_retry_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_the_maximum() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1), Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(4));
        assert_eq!(policy.backoff(40), Duration::from_secs(30));
    }

    #[test]
    fn retry_after_is_honoured_in_full_up_to_fifteen_minutes() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.throttle_wait(Some("7"), 1), Duration::from_secs(7));
        assert_eq!(
            policy.throttle_wait(Some("300"), 1),
            Duration::from_secs(300)
        );
        assert_eq!(
            policy.throttle_wait(Some("99999"), 1),
            Duration::from_secs(900)
        );
        assert_eq!(
            policy.throttle_wait(Some("soon"), 2),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn retry_after_seconds_can_be_scaled_down_for_tests() {
        let policy = RetryPolicy {
            retry_after_unit: Duration::from_millis(10),
            ..RetryPolicy::default()
        };
        assert_eq!(
            policy.throttle_wait(Some("120"), 1),
            Duration::from_millis(1200)
        );
    }
}
