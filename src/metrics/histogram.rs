//! A histogram made of atomics: fixed bucket bounds, one counter per bucket, the sum in
//! nanoseconds (or units), so observing takes no lock and allocates nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Bucket bounds, in seconds, for latencies from 100 µs to 10 s.
pub const LATENCY_BOUNDS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// Bucket bounds for a lane's depth: how many items already waited when one was queued.
pub const DEPTH_BOUNDS: [f64; 10] = [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// Counts of observations at or under each bound, their count and their sum.
#[derive(Debug)]
pub struct Histogram<const N: usize> {
    bounds: &'static [f64; N],
    /// Observations per bucket (not cumulative; the encoder adds them up).
    buckets: [AtomicU64; N],
    count: AtomicU64,
    /// The sum, in `unit`s of the value (nanoseconds for durations).
    sum: AtomicU64,
    unit: f64,
}

impl<const N: usize> Histogram<N> {
    /// A histogram of durations over `bounds` in seconds.
    pub const fn seconds(bounds: &'static [f64; N]) -> Self {
        Self::new(bounds, 1e-9)
    }

    /// A histogram of whole numbers over `bounds`.
    pub const fn counts(bounds: &'static [f64; N]) -> Self {
        Self::new(bounds, 1.0)
    }

    const fn new(bounds: &'static [f64; N], unit: f64) -> Self {
        Self {
            bounds,
            buckets: [const { AtomicU64::new(0) }; N],
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0),
            unit,
        }
    }

    /// Observes a duration.
    pub fn observe_duration(&self, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.record(elapsed.as_secs_f64(), nanos);
    }

    /// Observes a whole number.
    pub fn observe_count(&self, value: u64) {
        self.record(value as f64, value);
    }

    fn record(&self, value: f64, units: u64) {
        if let Some(bucket) = self.bounds.iter().position(|bound| value <= *bound) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum.fetch_add(units, Ordering::Relaxed);
    }

    /// The cumulative count at each bound, the total count and the sum in the value's unit.
    pub fn read(&self) -> (Vec<(f64, u64)>, u64, f64) {
        let mut cumulative = 0;
        let buckets = self
            .bounds
            .iter()
            .zip(&self.buckets)
            .map(|(bound, bucket)| {
                cumulative += bucket.load(Ordering::Relaxed);
                (*bound, cumulative)
            })
            .collect();
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.sum.load(Ordering::Relaxed) as f64 * self.unit;
        (buckets, count, sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_a_value_past_the_last_bound_counts_only_in_the_total() {
        static DEPTHS: Histogram<10> = Histogram::counts(&DEPTH_BOUNDS);
        DEPTHS.observe_count(0);
        DEPTHS.observe_count(3);
        DEPTHS.observe_count(1_000);
        let (buckets, count, sum) = DEPTHS.read();
        assert_eq!(buckets[0], (0.0, 1));
        assert_eq!(buckets[3], (4.0, 2));
        assert_eq!(buckets[9], (256.0, 2));
        assert_eq!((count, sum), (3, 1_003.0));
    }

    #[test]
    fn durations_are_summed_in_seconds() {
        static LATENCY: Histogram<16> = Histogram::seconds(&LATENCY_BOUNDS);
        LATENCY.observe_duration(Duration::from_millis(3));
        let (buckets, count, sum) = LATENCY.read();
        assert_eq!(buckets[4].1, 0, "3 ms is over 2.5 ms");
        assert_eq!(buckets[5], (0.005, 1));
        assert_eq!(count, 1);
        assert!((sum - 0.003).abs() < 1e-9, "{sum}");
    }
}
