//! A per-sender budget for `signal` frames, which are relayed to everyone else in the session:
//! without it one participant could fill every other queue with signalling until the others
//! were closed as too slow. A WebRTC negotiation takes an offer, an answer and a few dozen ICE
//! candidates; a co-browse mesh does one per viewer. The burst covers several at once and the
//! refill a renegotiation every few seconds.

use tokio::time::Instant;

/// Signals one sender may send at once.
pub(super) const SIGNAL_BURST: f64 = 200.0;
/// Signals a sender earns back each second.
pub(super) const SIGNALS_PER_SECOND: f64 = 20.0;

/// A token bucket: full at the start, `SIGNALS_PER_SECOND` back each second up to the burst.
#[derive(Debug)]
pub(super) struct SignalBudget {
    tokens: f64,
    refilled_at: Instant,
}

impl SignalBudget {
    /// A full budget at `now`.
    pub(super) fn new(now: Instant) -> Self {
        Self {
            tokens: SIGNAL_BURST,
            refilled_at: now,
        }
    }

    /// Spends one signal at `now`; false when the budget is spent (the signal is not relayed).
    pub(super) fn spend(&mut self, now: Instant) -> bool {
        let earned = now.duration_since(self.refilled_at).as_secs_f64() * SIGNALS_PER_SECOND;
        self.tokens = (self.tokens + earned).min(SIGNAL_BURST);
        self.refilled_at = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}

/// What a sender over budget is told.
pub(super) const OVER_BUDGET: &str =
    "too many signalling messages; this one was not relayed (slow down and send it again)";

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_sender_gets_the_burst_then_only_what_time_earns_back() {
        let start = Instant::now();
        let mut budget = SignalBudget::new(start);
        let sent = (0..1_000).filter(|_| budget.spend(start)).count();
        assert_eq!(sent, SIGNAL_BURST as usize);
        let later = start + Duration::from_millis(500);
        let earned = (0..1_000).filter(|_| budget.spend(later)).count();
        assert_eq!(earned, (SIGNALS_PER_SECOND / 2.0) as usize);
    }
}
