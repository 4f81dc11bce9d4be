//! A tenant's masking and control policy, pushed to the customer's script: the built-in one
//! from `duet.toml` and `DUET_*`, or a tenant's own (`duet tenant set --policy`).

use anyhow::bail;
use serde::Deserialize;

/// The tenant's masking and control policy, pushed to the customer's script.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct PolicySettings {
    /// CSS selectors whose values are masked (`DUET_MASK_SELECTORS`); passwords always are.
    pub mask_selectors: Vec<String>,
    /// CSS selectors where Duet's own guesses (card, security code, IBAN, national id and PIN
    /// fields, card numbers and IBANs in values and text) do not mask (`DUET_UNMASK_SELECTORS`,
    /// also `data-duet-unmask`); passwords and `mask_selectors` stay masked.
    pub unmask_selectors: Vec<String>,
    /// CSS selectors the agent can never act on (`DUET_RESTRICTED_SELECTORS`).
    pub restricted_selectors: Vec<String>,
    /// Show only elements inside `data-duet-allow` or `allow_selectors` (`DUET_PRIVATE_BY_DEFAULT`).
    pub private_by_default: bool,
    /// Selectors shown when private by default (`DUET_ALLOW_SELECTORS`).
    pub allow_selectors: Vec<String>,
    /// Sites agents may open from the share menu and bookmark (`DUET_SHARE_SITES`); empty allows any.
    pub share_sites: Vec<String>,
    /// What a customer may share: `monitor`, `window`, `browser` (`DUET_ALLOWED_SURFACES`).
    #[cfg_attr(test, ts(as = "Vec<crate::web::protocol_ts::words::DisplaySurface>"))]
    pub allowed_surfaces: Vec<String>,
    /// Whether what agents see of each co-browse session is recorded for supervisors
    /// (`DUET_RECORD_SESSIONS`); the customer's widget says so.
    pub record_sessions: bool,
    /// Whether a supervisor asks the customer before watching a live session, with the prompt a
    /// second agent gets (`DUET_WATCH_NEEDS_CONSENT`).
    pub watch_needs_consent: bool,
    /// Whether agents may replay the tenant's recordings, their own sessions' included
    /// (`DUET_AGENTS_SEE_RECORDINGS`); supervisors always may.
    pub agents_see_recordings: bool,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            mask_selectors: Vec::new(),
            unmask_selectors: Vec::new(),
            restricted_selectors: Vec::new(),
            private_by_default: false,
            allow_selectors: Vec::new(),
            share_sites: Vec::new(),
            allowed_surfaces: ["monitor", "window", "browser"].map(str::to_owned).to_vec(),
            record_sessions: true,
            watch_needs_consent: false,
            agents_see_recordings: false,
        }
    }
}

/// The display surfaces `getDisplayMedia` reports, checked so a typo does not block every share.
pub(crate) fn check_surfaces(list: &[String]) -> anyhow::Result<()> {
    if let Some(bad) = list
        .iter()
        .find(|s| !matches!(s.as_str(), "monitor" | "window" | "browser"))
    {
        bail!("allowed surfaces has {bad:?}: use monitor, window and/or browser");
    }
    Ok(())
}
