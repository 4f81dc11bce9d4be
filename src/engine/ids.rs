//! Ids: nine-digit session ids from a CSPRNG (never reused while the store remembers them),
//! screen-share ids, tenant ids and the process-wide connection numbers.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng;
use serde::{Deserialize, Serialize};

/// A co-browse session id, read aloud by the customer: nine digits, no leading zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(u32);

const SMALLEST: u32 = 100_000_000;
const LARGEST: u32 = 999_999_999;

impl SessionId {
    /// Draws ids from the thread's CSPRNG until `taken` says one is free.
    pub fn generate(mut taken: impl FnMut(SessionId) -> bool) -> SessionId {
        let mut rng = rand::rng();
        loop {
            let id = SessionId(rng.random_range(SMALLEST..=LARGEST));
            if !taken(id) {
                return id;
            }
        }
    }

    /// The id as a number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a typed id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a session id is nine digits, as shown on the customer's screen")]
pub struct BadSessionId;

impl FromStr for SessionId {
    type Err = BadSessionId;

    /// Accepts the nine digits with optional spaces or dashes, as people read them out.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadSessionId);
        }
        let value: u32 = digits.parse().map_err(|_| BadSessionId)?;
        if value < SMALLEST {
            return Err(BadSessionId);
        }
        Ok(SessionId(value))
    }
}

impl serde::Serialize for SessionId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SessionId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A screen share's id: random, never read aloud (the customer types the share's key instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShareId(uuid::Uuid);

impl ShareId {
    /// A new random id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4())
    }
}

impl fmt::Display for ShareId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a typed share id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a screen-share id is the id Duet gave when the share started")]
pub struct BadShareId;

impl FromStr for ShareId {
    type Err = BadShareId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(text.trim())
            .map(Self)
            .map_err(|_| BadShareId)
    }
}

/// A customer organisation: everything it configures and every session it runs belong to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(String);

impl TenantId {
    /// The tenant of a Duet that serves one organisation (and of the demo).
    pub const DEFAULT: &str = "default";

    /// A tenant by its id.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for TenantId {
    fn default() -> Self {
        Self::new(Self::DEFAULT)
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A connection's number, unique within the process (co-browse and screen-share sockets alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(u64);

impl ConnId {
    /// The next unused number.
    pub fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl fmt::Display for ConnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generated_ids_are_nine_digits() {
        for _ in 0..1000 {
            let id = SessionId::generate(|_| false);
            assert_eq!(id.to_string().len(), 9);
        }
    }

    #[test]
    fn a_live_id_is_never_handed_out_again() {
        let mut live = HashSet::new();
        for _ in 0..2000 {
            let id = SessionId::generate(|candidate| live.contains(&candidate));
            assert!(live.insert(id), "id {id} was handed out twice while live");
        }
    }

    #[test]
    fn ids_read_aloud_with_spaces_or_dashes_parse() {
        assert_eq!(
            "123 456 789".parse::<SessionId>().unwrap().get(),
            123_456_789
        );
        assert_eq!(
            "123-456-789".parse::<SessionId>().unwrap().get(),
            123_456_789
        );
        assert!("12345678".parse::<SessionId>().is_err());
        assert!("012345678".parse::<SessionId>().is_err());
        assert!("12345678a".parse::<SessionId>().is_err());
    }
}

#[cfg(test)]
mod share_and_conn_tests {
    use super::*;

    #[test]
    fn a_share_id_reads_back_from_its_text() {
        let id = ShareId::generate();
        assert_eq!(id.to_string().parse::<ShareId>(), Ok(id));
        assert_eq!("123456789".parse::<ShareId>(), Err(BadShareId));
    }

    #[test]
    fn connection_numbers_are_never_handed_out_twice() {
        let first = ConnId::next();
        let second = ConnId::next();
        assert!(second > first);
    }
}
