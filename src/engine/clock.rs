//! Time as the engine keeps it: [`Timestamp`]s in UTC (what the store keeps and the audit shows),
//! read from tokio's clock through a [`Clock`] so that tests which pause time move both, and the
//! [`Activity`] stamp the relay path touches without taking a session's lock.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

/// A moment in UTC, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The moment this many milliseconds after 1970-01-01T00:00:00Z.
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    /// How long after `earlier` this is; zero when it is not later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0))
    }

    /// This moment plus `duration`.
    pub fn plus(self, duration: Duration) -> Self {
        let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        Self(self.0.saturating_add(millis))
    }

    /// This moment minus `duration`.
    pub fn minus(self, duration: Duration) -> Self {
        let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        Self(self.0.saturating_sub(millis))
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-12-02T10:31:05.123Z`.
    pub fn rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        let Ok(moment) = OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
            return "invalid".to_owned();
        };
        let (date, time) = (moment.date(), moment.time());
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            date.year(),
            u8::from(date.month()),
            date.day(),
            time.hour(),
            time.minute(),
            time.second(),
            time.millisecond()
        )
    }

    /// Reads an RFC 3339 time with any offset.
    pub fn parse_rfc3339(text: &str) -> Result<Self, BadTimestamp> {
        let moment = OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| BadTimestamp)?;
        let millis = moment.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(millis).map(Self).map_err(|_| BadTimestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// Why a typed time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a time is RFC 3339, like 2026-12-02T10:00:00Z")]
pub struct BadTimestamp;

/// Reads wall-clock time off tokio's monotonic clock, anchored once: it never jumps back when the
/// system clock is set, and tests that pause tokio's time move it too.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
    origin_utc: Timestamp,
}

impl Clock {
    /// A clock that reads the system's time now and follows tokio's clock from here.
    pub fn system() -> Self {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let millis = i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX);
        Self::starting_at(Timestamp::from_unix_millis(millis))
    }

    /// A clock that reads `origin_utc` now (tests pick their own calendar).
    pub fn starting_at(origin_utc: Timestamp) -> Self {
        Self {
            origin: Instant::now(),
            origin_utc,
        }
    }

    /// The time now.
    pub fn now(&self) -> Timestamp {
        self.origin_utc.plus(self.origin.elapsed())
    }
}

/// The last time either side of a session did something. Clones share one stamp, so the relay
/// path touches it without the session's lock.
#[derive(Debug, Clone)]
pub struct Activity(Arc<AtomicI64>);

impl Activity {
    /// A stamp reading `at`.
    pub fn new(at: Timestamp) -> Self {
        Self(Arc::new(AtomicI64::new(at.unix_millis())))
    }

    /// Moves the stamp forward to `now` (never back).
    pub fn touch(&self, now: Timestamp) {
        self.0.fetch_max(now.unix_millis(), Ordering::Relaxed);
    }

    /// The last activity.
    pub fn last(&self) -> Timestamp {
        Timestamp::from_unix_millis(self.0.load(Ordering::Relaxed))
    }

    /// A stamp of its own, starting from this one's reading (a copy that does not share it).
    pub fn detached(&self) -> Self {
        Self::new(self.last())
    }
}

impl Serialize for Activity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.last().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Activity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Timestamp::deserialize(deserializer).map(Activity::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_and_read_rfc3339_in_utc() {
        let at = Timestamp::parse_rfc3339("2026-12-02T11:31:05.123+01:00").unwrap();
        assert_eq!(at.rfc3339(), "2026-12-02T10:31:05.123Z");
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), Err(BadTimestamp));
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_follows_paused_time() {
        let start = Timestamp::parse_rfc3339("2026-12-02T10:00:00Z").unwrap();
        let clock = Clock::starting_at(start);
        tokio::time::advance(Duration::from_secs(90)).await;
        assert_eq!(clock.now().since(start), Duration::from_secs(90));
    }

    #[test]
    fn activity_only_moves_forward_and_clones_share_it() {
        let start = Timestamp::from_unix_millis(1_000);
        let activity = Activity::new(start);
        let shared = activity.clone();
        shared.touch(Timestamp::from_unix_millis(5_000));
        activity.touch(Timestamp::from_unix_millis(2_000));
        assert_eq!(activity.last(), Timestamp::from_unix_millis(5_000));
    }
}
