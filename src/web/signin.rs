//! How agents prove who they are. One small interface, so Microsoft Entra ID sign-in can replace
//! the development sign-in without touching the rest of the service.

use crate::engine::AgentId;
use crate::identity::AppRole;

/// An agent whose identity has been established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInAgent {
    /// Stable id, used for the one-co-browse-per-agent rule.
    pub id: AgentId,
    /// Name shown to the customer and in logs.
    pub name: String,
    /// The app roles asked for (development sign-in on loopback only); `None` is an agent
    /// without roles, who may join sessions.
    pub roles: Option<Vec<String>>,
}

/// Why a sign-in was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    /// This kind of sign-in is switched off here.
    #[error(
        "development sign-in is off on this Duet: it is only on while Duet listens on loopback; set DUET_DEV_SIGNIN=true to allow it on a trusted network"
    )]
    Disabled,
    /// Entra ID sign-in is configured, which always switches the development sign-in off.
    #[error(
        "Microsoft Entra ID sign-in is configured on this Duet, so the development sign-in is off: use \"Sign in with Microsoft\""
    )]
    ReplacedByEntra,
    /// The request did not say who the agent is.
    #[error("type your name (1 to 80 characters) to sign in")]
    BadName,
    /// Roles were asked for off loopback, where anyone could ask for them.
    #[error(
        "the development sign-in takes roles only while Duet listens on loopback; sign in with Microsoft Entra ID to hold Duet.Admin or Duet.Supervisor"
    )]
    RolesOffLoopback,
    /// A role that is not one of Duet's.
    #[error("{0:?} is not a Duet role: use Duet.Agent, Duet.Supervisor or Duet.Admin")]
    UnknownRole(String),
}

/// A way of signing agents in.
pub trait AgentSignIn: Send + Sync {
    /// Establishes the agent from what they typed (a name, and on loopback the roles to act
    /// with).
    fn sign_in(&self, name: &str, roles: Option<&[String]>) -> Result<SignedInAgent, SignInError>;
}

/// Development sign-in: the agent types a name. Only for loopback or an explicit setting.
#[derive(Debug, Clone)]
pub struct DevSignIn {
    enabled: bool,
    entra: bool,
    loopback: bool,
}

impl DevSignIn {
    /// On when explicitly set, else only when listening on loopback; warns when on.
    pub fn new(setting: Option<bool>, listening_on_loopback: bool) -> Self {
        let enabled = setting.unwrap_or(listening_on_loopback);
        if enabled {
            tracing::warn!(
                "development sign-in is ON: anyone who can reach Duet can act as an agent by typing a name"
            );
        }
        Self {
            enabled,
            entra: false,
            loopback: listening_on_loopback,
        }
    }

    /// Always off, because Entra ID sign-in is configured; says so when tried.
    pub fn replaced_by_entra() -> Self {
        Self {
            enabled: false,
            entra: true,
            loopback: false,
        }
    }

    /// Whether agents can sign in by typing a name.
    pub fn enabled(&self) -> bool {
        self.enabled
    }
}

impl AgentSignIn for DevSignIn {
    fn sign_in(&self, name: &str, roles: Option<&[String]>) -> Result<SignedInAgent, SignInError> {
        if self.entra {
            return Err(SignInError::ReplacedByEntra);
        }
        if !self.enabled {
            return Err(SignInError::Disabled);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(SignInError::BadName);
        }
        let slug: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let roles = match roles {
            None => None,
            Some(_) if !self.loopback => return Err(SignInError::RolesOffLoopback),
            Some(asked) => Some(known_roles(asked)?),
        };
        Ok(SignedInAgent {
            id: AgentId(format!("dev:{slug}")),
            name: name.to_owned(),
            roles,
        })
    }
}

/// `asked`, each one of Duet's roles, without repeats.
fn known_roles(asked: &[String]) -> Result<Vec<String>, SignInError> {
    let mut roles: Vec<String> = Vec::new();
    for role in asked {
        let known = AppRole::parse(role).ok_or_else(|| SignInError::UnknownRole(role.clone()))?;
        let name = known.as_str().to_owned();
        if !roles.contains(&name) {
            roles.push(name);
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_sign_in_is_on_by_default_only_on_loopback() {
        assert!(DevSignIn::new(None, true).enabled());
        assert!(!DevSignIn::new(None, false).enabled());
        assert!(DevSignIn::new(Some(true), false).enabled());
        assert!(!DevSignIn::new(Some(false), true).enabled());
    }

    #[test]
    fn a_disabled_sign_in_says_how_to_turn_it_on() {
        let refused = DevSignIn::new(Some(false), true)
            .sign_in("Ann", None)
            .unwrap_err();
        assert!(refused.to_string().contains("DUET_DEV_SIGNIN=true"));
    }

    #[test]
    fn entra_configured_switches_development_sign_in_off_and_says_what_to_use() {
        let signin = DevSignIn::replaced_by_entra();
        assert!(!signin.enabled());
        let refused = signin.sign_in("Ann", None).unwrap_err();
        assert!(refused.to_string().contains("Sign in with Microsoft"));
    }

    #[test]
    fn the_same_name_gives_the_same_agent() {
        let signin = DevSignIn::new(Some(true), true);
        assert_eq!(
            signin.sign_in("Ann Lee", None).unwrap().id,
            signin.sign_in(" ann lee ", None).unwrap().id
        );
        assert_eq!(signin.sign_in("   ", None), Err(SignInError::BadName));
    }

    #[test]
    fn roles_are_taken_on_loopback_only_and_only_duets_own() {
        let admin = ["Duet.Admin".to_owned(), "Duet.Admin".to_owned()];
        let on_loopback = DevSignIn::new(None, true).sign_in("Ann", Some(&admin));
        assert_eq!(
            on_loopback.unwrap().roles,
            Some(vec!["Duet.Admin".to_owned()])
        );
        let forced_on = DevSignIn::new(Some(true), false).sign_in("Ann", Some(&admin));
        assert_eq!(forced_on, Err(SignInError::RolesOffLoopback));
        let unknown = ["Global Administrator".to_owned()];
        let refused = DevSignIn::new(None, true).sign_in("Ann", Some(&unknown));
        assert!(refused.unwrap_err().to_string().contains("Duet.Agent"));
    }
}
