//! Session ids: nine random digits from a CSPRNG, never reused while a session with that id is live.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

/// A co-browse session id, read aloud by the customer: nine digits, no leading zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(u32);

const SMALLEST: u32 = 100_000_000;
const LARGEST: u32 = 999_999_999;

impl SessionId {
    /// Draws ids from the thread's CSPRNG until `is_live` says one is free.
    pub fn generate(mut is_live: impl FnMut(SessionId) -> bool) -> SessionId {
        let mut rng = rand::rng();
        loop {
            let id = SessionId(rng.random_range(SMALLEST..=LARGEST));
            if !is_live(id) {
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
