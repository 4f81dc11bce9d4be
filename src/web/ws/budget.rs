//! Per-sender budgets for what is relayed to everyone else in the session: without them one
//! participant could fill every other queue until the others were closed as too slow.
//!
//! `signal` frames: a WebRTC negotiation takes an offer, an answer and a few dozen ICE
//! candidates; a co-browse mesh does one per viewer. The burst covers several at once and the
//! refill a renegotiation every few seconds.
//!
//! `annotate` messages have a budget of their own. A stroke streams while the agent draws: the
//! console sends the points drawn since its last message at most once per animation frame and
//! never two within 12 ms (`webresource/src/console/strokesender.ts`), so at most 83 a second.
//! Measured in headless Chromium (e2e/tools.test.mjs, a mouse moved about 250 times a second):
//! 59 messages a second while drawing, one per 60 Hz frame. On the signal budget (200 at once, 20
//! a second back) such a drawing ran dry after 5 s (200 / (59 - 20)), and the rest of the stroke
//! was refused. The annotation budget earns back more than the console can send (90 a second),
//! so an agent can draw for as long as they like, even on a faster display; its burst covers
//! highlights and clears besides, and a client that sends faster is still held to 90 a second.

use tokio::time::Instant;

/// Signals one sender may send at once.
pub(super) const SIGNAL_BURST: f64 = 200.0;
/// Signals a sender earns back each second.
pub(super) const SIGNALS_PER_SECOND: f64 = 20.0;
/// Annotations one agent may send at once.
pub(super) const ANNOTATION_BURST: f64 = 200.0;
/// Annotations an agent earns back each second: more than the console sends (83 at most).
pub(super) const ANNOTATIONS_PER_SECOND: f64 = 90.0;

/// A token bucket: full at the start, `per_second` back each second up to the burst.
#[derive(Debug)]
pub(super) struct SignalBudget {
    tokens: f64,
    burst: f64,
    per_second: f64,
    refilled_at: Instant,
}

impl SignalBudget {
    /// A full budget for `signal` frames at `now`.
    pub(super) fn new(now: Instant) -> Self {
        Self::with(now, SIGNAL_BURST, SIGNALS_PER_SECOND)
    }

    /// A full budget for `annotate` messages at `now`.
    pub(super) fn for_annotations(now: Instant) -> Self {
        Self::with(now, ANNOTATION_BURST, ANNOTATIONS_PER_SECOND)
    }

    fn with(now: Instant, burst: f64, per_second: f64) -> Self {
        Self {
            tokens: burst,
            burst,
            per_second,
            refilled_at: now,
        }
    }

    /// Spends one message at `now`; false when the budget is spent (the message is not relayed).
    pub(super) fn spend(&mut self, now: Instant) -> bool {
        let earned = now.duration_since(self.refilled_at).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.refilled_at = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}

/// What a sender over the signal budget is told.
pub(super) const OVER_BUDGET: &str =
    "too many signalling messages; this one was not relayed (slow down and send it again)";

/// What an agent over the annotation budget is told.
pub(super) const OVER_ANNOTATION_BUDGET: &str = "too many annotations (more than 90 a second); \
     this one was not shown (send at most one per animation frame)";

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

    #[test]
    fn an_agent_drawing_as_fast_as_the_console_sends_never_runs_the_annotation_budget_dry() {
        let start = Instant::now();
        let mut budget = SignalBudget::for_annotations(start);
        let frame = Duration::from_millis(12);
        let messages = 60_000 / 12;
        let drawn = (1..=messages)
            .filter(|n| budget.spend(start + frame * *n))
            .count();
        assert_eq!(
            drawn, messages as usize,
            "a minute of drawing, every message relayed"
        );

        let mut signals = SignalBudget::new(start);
        let relayed = (1..=messages)
            .filter(|n| signals.spend(start + frame * *n))
            .count();
        assert!(
            relayed < messages as usize / 2,
            "the signal budget would refuse most of it"
        );
    }
}
