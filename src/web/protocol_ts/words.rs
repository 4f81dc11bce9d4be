//! Test-only enums for the words the protocol carries as Rust strings, so the generated
//! TypeScript can name them; each test here ties one to where Rust writes those strings.

use serde::Serialize;
use ts_rs::TS;

/// Which side a socket speaks for: the `role`, `from` and `sharer` fields of `ServerMsg`, written
/// by `Role::kind` in src/engine/actor.rs.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The customer whose page or screen is shared.
    Customer,
    /// An agent.
    Agent,
    /// A supervisor watching, read-only.
    Supervisor,
}

/// Where an agent's request to join stands: the `state` of `ServerMsg::Consent`, written by
/// `Consent::as_str` in src/engine/room.rs.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// The customer has been asked.
    Waiting,
    /// The customer let the agent in.
    Allowed,
    /// The customer turned the agent away.
    Denied,
}

/// A surface `getDisplayMedia` reports: the entries of `PolicySettings::allowed_surfaces`, which
/// `check_surfaces` in src/config/mod.rs keeps to these.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DisplaySurface {
    /// A whole screen.
    Monitor,
    /// One application window.
    Window,
    /// One browser tab.
    Browser,
}

impl DisplaySurface {
    /// Every surface, in the order the default policy lists them.
    pub const ALL: [Self; 3] = [Self::Monitor, Self::Window, Self::Browser];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PolicySettings;
    use crate::engine::{self, AgentId};

    /// The word for an engine role; the match makes a new kind of role a compile error here.
    fn word(role: &engine::Role) -> Role {
        match role {
            engine::Role::Customer => Role::Customer,
            engine::Role::Agent(_) => Role::Agent,
            engine::Role::Supervisor(_) => Role::Supervisor,
        }
    }

    fn serialized(value: impl Serialize) -> String {
        serde_json::to_value(value)
            .expect("a word serializes")
            .as_str()
            .expect("a word serializes as a string")
            .to_owned()
    }

    #[test]
    fn every_role_kind_rust_sends_is_a_role_word() {
        for role in [
            engine::Role::Customer,
            engine::Role::Agent(AgentId("a1".to_owned())),
            engine::Role::Supervisor(AgentId("s1".to_owned())),
        ] {
            assert_eq!(serialized(word(&role)), role.kind());
        }
    }

    #[test]
    fn every_consent_state_rust_sends_is_a_consent_word() {
        for consent in [
            engine::Consent::Waiting,
            engine::Consent::Allowed,
            engine::Consent::Denied,
        ] {
            let word = match consent {
                engine::Consent::Waiting => ConsentState::Waiting,
                engine::Consent::Allowed => ConsentState::Allowed,
                engine::Consent::Denied => ConsentState::Denied,
            };
            assert_eq!(serialized(word), consent.as_str());
        }
    }

    #[test]
    fn the_default_policy_allows_exactly_the_display_surface_words() {
        let words: Vec<String> = DisplaySurface::ALL.into_iter().map(serialized).collect();
        assert_eq!(PolicySettings::default().allowed_surfaces, words);
    }
}
