//! How an agent finds a customer's session without a code: the Omnichannel conversation the
//! site passed, or the pairing key the customer's script put into the chat's context before
//! the chat started (`DuetPairingKey`), which the agent's app tab reads from the conversation.
//! Duet keeps only the key's SHA-256.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The SHA-256 (hex) of a pairing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingKey(String);

/// A pairing key that is not 16 to 128 letters, digits, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the pairing key must be 16 to 128 letters, digits, '-' or '_'; the customer script makes one, so reload the page"
)]
pub struct BadPairingKey;

impl PairingKey {
    /// The digest of `secret`, once it is checked.
    pub fn from_secret(secret: &str) -> Result<Self, BadPairingKey> {
        let shaped = (16..=128).contains(&secret.len())
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !shaped {
            return Err(BadPairingKey);
        }
        Ok(Self(hex::encode(Sha256::digest(secret.as_bytes()))))
    }
}

/// What a new session can be found by, besides its id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendezvous {
    /// The Omnichannel conversation the site passed.
    pub conversation: Option<String>,
    /// The pairing key the customer's script put into the chat's context.
    pub pairing: Option<PairingKey>,
}

impl From<Option<String>> for Rendezvous {
    fn from(conversation: Option<String>) -> Self {
        Self {
            conversation,
            pairing: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairing_key_is_kept_as_its_digest_and_a_malformed_one_is_refused() {
        let key = PairingKey::from_secret("0123456789abcdef-_XYZ").unwrap();
        assert_eq!(key.0.len(), 64);
        assert_eq!(
            key,
            PairingKey::from_secret("0123456789abcdef-_XYZ").unwrap()
        );
        for bad in ["short", "0123456789abcdef'or 1=1", &"a".repeat(129)] {
            assert_eq!(PairingKey::from_secret(bad), Err(BadPairingKey), "{bad}");
        }
    }
}
