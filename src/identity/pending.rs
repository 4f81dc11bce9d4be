//! Sign-ins in flight: `state` → nonce and PKCE verifier, each taken once, gone after ten
//! minutes, and at most [`MAX_PENDING`] of them (the oldest dropped first).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// How long a sign-in may take between leaving Duet and coming back.
pub const PENDING_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// The most sign-ins in flight at once; beyond it the oldest is forgotten.
pub const MAX_PENDING: usize = 1024;

/// What Duet remembers of one sign-in while the browser is at the provider.
pub struct PendingSignIn {
    /// The nonce the identity token must carry.
    pub nonce: String,
    /// The PKCE code verifier sent with the code.
    pub verifier: SecretString,
    created: Instant,
}

impl PendingSignIn {
    /// A new sign-in with a fresh nonce and verifier, and the verifier's S256 challenge.
    pub fn new(now: Instant) -> (Self, String) {
        let verifier = SecretString::from(random_text());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose_secret()));
        let pending = Self {
            nonce: random_text(),
            verifier,
            created: now,
        };
        (pending, challenge)
    }
}

/// 256 random bits, base64url: a state, a nonce or a PKCE verifier (43 characters).
pub fn random_text() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The sign-ins in flight, oldest first.
#[derive(Default)]
pub struct PendingSignIns {
    entries: Mutex<VecDeque<(String, PendingSignIn)>>,
}

impl PendingSignIns {
    /// Remembers `pending` under `state`, forgetting expired sign-ins and, when full, the oldest.
    pub fn insert(&self, state: String, pending: PendingSignIn, now: Instant) {
        let mut entries = self.lock();
        entries.retain(|(_, entry)| !expired(entry, now));
        while entries.len() >= MAX_PENDING {
            entries.pop_front();
        }
        entries.push_back((state, pending));
    }

    /// Takes the sign-in of `state` (it cannot be taken twice), unless it has expired.
    pub fn take(&self, state: &str, now: Instant) -> Option<PendingSignIn> {
        let mut entries = self.lock();
        let index = entries.iter().position(|(key, _)| key == state)?;
        let (_, pending) = entries.remove(index)?;
        (!expired(&pending, now)).then_some(pending)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, PendingSignIn)>> {
        // A panic elsewhere while holding the lock leaves the queue consistent: use it anyway.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn expired(pending: &PendingSignIn, now: Instant) -> bool {
    now.saturating_duration_since(pending.created) >= PENDING_LIFETIME
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_is_taken_once() {
        let pending = PendingSignIns::default();
        let now = Instant::now();
        pending.insert("s".into(), PendingSignIn::new(now).0, now);
        assert!(pending.take("s", now).is_some());
        assert!(pending.take("s", now).is_none());
    }

    #[test]
    fn a_sign_in_expires_after_ten_minutes() {
        let pending = PendingSignIns::default();
        let now = Instant::now();
        pending.insert("s".into(), PendingSignIn::new(now).0, now);
        assert!(pending.take("s", now + PENDING_LIFETIME).is_none());
    }

    #[test]
    fn the_oldest_sign_in_is_dropped_when_full() {
        let pending = PendingSignIns::default();
        let now = Instant::now();
        for n in 0..=MAX_PENDING {
            pending.insert(n.to_string(), PendingSignIn::new(now).0, now);
        }
        assert!(pending.take("0", now).is_none());
        assert!(pending.take("1", now).is_some());
        assert!(pending.take(&MAX_PENDING.to_string(), now).is_some());
    }

    #[test]
    fn the_challenge_is_the_base64url_sha256_of_the_verifier() {
        let (pending, challenge) = PendingSignIn::new(Instant::now());
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(pending.verifier.expose_secret()));
        assert_eq!(challenge, expected);
        assert_eq!(pending.verifier.expose_secret().len(), 43);
        assert_ne!(pending.nonce, *pending.verifier.expose_secret());
    }
}
