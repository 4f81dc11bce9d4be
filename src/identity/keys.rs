//! The provider's signing keys (JWKS) by `kid`: fetched on first use, fetched again once when a
//! token names an unknown key (key rotation), and not more than once per [`REFETCH_INTERVAL`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use serde::Deserialize;

/// The shortest time between two fetches caused by unknown keys, so a stream of tokens naming
/// made-up keys cannot make Duet hammer the provider.
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// The JWKS document.
#[derive(Debug, Deserialize)]
pub struct Jwks {
    /// Its keys; those that are not RSA signing keys with a `kid` are skipped.
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

/// One key of the JWKS.
#[derive(Debug, Deserialize)]
pub struct Jwk {
    /// The key's id, named by tokens' headers.
    pub kid: Option<String>,
    /// Key type; only `RSA` is used.
    pub kty: String,
    /// RSA modulus, base64url.
    pub n: Option<String>,
    /// RSA exponent, base64url.
    pub e: Option<String>,
}

/// What to do about a `kid`.
pub enum Lookup {
    /// The key is known.
    Found(DecodingKey),
    /// Fetch the JWKS, then look again.
    Fetch,
    /// Unknown, and a fetch was made too recently to make another.
    Unknown,
}

/// The cached keys and when an unknown key last caused a fetch.
#[derive(Default)]
pub struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    loaded: bool,
    last_refetch: Option<Instant>,
}

impl KeyCache {
    /// Whether `kid` is known, or the JWKS should be fetched for it at `now`.
    pub fn lookup(&self, kid: &str, now: Instant) -> Lookup {
        if let Some(key) = self.keys.get(kid) {
            return Lookup::Found(key.clone());
        }
        let may_refetch = self
            .last_refetch
            .is_none_or(|last| now.saturating_duration_since(last) >= REFETCH_INTERVAL);
        if !self.loaded || may_refetch {
            Lookup::Fetch
        } else {
            Lookup::Unknown
        }
    }

    /// Replaces the keys with a freshly fetched JWKS; a fetch after the first counts as a refetch.
    pub fn replace(&mut self, jwks: Jwks, now: Instant) {
        if self.loaded {
            self.last_refetch = Some(now);
        }
        self.loaded = true;
        self.keys = jwks
            .keys
            .into_iter()
            .filter(|key| key.kty == "RSA")
            .filter_map(|key| {
                let decoding =
                    DecodingKey::from_rsa_components(key.n.as_deref()?, key.e.as_deref()?);
                Some((key.kid?, decoding.ok()?))
            })
            .collect();
    }

    /// The key after a fetch, if the JWKS had it.
    pub fn get(&self, kid: &str) -> Option<DecodingKey> {
        self.keys.get(kid).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwks(kids: &[&str]) -> Jwks {
        let text = include_str!("../../tests/identity_support/test-only-rsa-key-a.jwk.json");
        let keys = kids
            .iter()
            .map(|kid| Jwk {
                kid: Some((*kid).to_owned()),
                ..serde_json::from_str(text).unwrap()
            })
            .collect();
        Jwks { keys }
    }

    #[test]
    fn the_first_lookup_fetches_and_a_known_key_is_found_without_fetching() {
        let mut cache = KeyCache::default();
        let now = Instant::now();
        assert!(matches!(cache.lookup("a", now), Lookup::Fetch));
        cache.replace(jwks(&["a"]), now);
        assert!(matches!(cache.lookup("a", now), Lookup::Found(_)));
    }

    #[test]
    fn an_unknown_key_refetches_once_then_not_again_for_thirty_seconds() {
        let mut cache = KeyCache::default();
        let start = Instant::now();
        cache.replace(jwks(&["a"]), start);
        assert!(matches!(cache.lookup("b", start), Lookup::Fetch));
        cache.replace(jwks(&["a"]), start);
        let soon = start + Duration::from_secs(29);
        assert!(matches!(cache.lookup("b", soon), Lookup::Unknown));
        assert!(matches!(cache.lookup("made-up", soon), Lookup::Unknown));
        let later = start + REFETCH_INTERVAL;
        assert!(matches!(cache.lookup("b", later), Lookup::Fetch));
    }

    #[test]
    fn keys_that_are_not_rsa_or_have_no_kid_are_skipped() {
        let mut cache = KeyCache::default();
        let mut set = jwks(&["a", "b"]);
        set.keys[0].kty = "EC".into();
        set.keys[1].kid = None;
        cache.replace(set, Instant::now());
        assert!(cache.get("a").is_none());
        assert!(cache.keys.is_empty());
    }
}
