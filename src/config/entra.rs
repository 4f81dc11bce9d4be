//! The app registration agents sign in through with Microsoft Entra ID (`DUET_ENTRA_*`).

use secrecy::SecretString;

/// The app registration agents sign in through (`DUET_ENTRA_*`); on when id and secret are set.
#[derive(Debug, Clone)]
pub struct EntraSettings {
    /// The app registration's client id (`DUET_ENTRA_CLIENT_ID`).
    pub client_id: Option<String>,
    /// Its client secret (`DUET_ENTRA_CLIENT_SECRET`); never printed, `Debug` shows it redacted.
    pub client_secret: Option<SecretString>,
    /// Sign-in authority (`DUET_ENTRA_AUTHORITY`), default `https://login.microsoftonline.com`.
    pub authority: String,
}

impl Default for EntraSettings {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            authority: "https://login.microsoftonline.com".to_owned(),
        }
    }
}

impl EntraSettings {
    /// Whether Entra ID sign-in is on: both the client id and the client secret are set.
    pub fn configured(&self) -> bool {
        self.client_id
            .as_deref()
            .is_some_and(|id| !id.trim().is_empty())
            && self.client_secret.is_some()
    }
}
