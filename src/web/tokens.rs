//! Signed tokens (HS256 JWTs): who the bearer is, in which role, for which session, until when.
//! A token is bound to one role, and session tokens to one session.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::engine::{AgentId, SessionId, ShareId, TenantId};

/// How long an agent's sign-in lasts.
pub const AGENT_SIGNIN_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// How long a customer or agent session token lasts.
pub const SESSION_TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 3600);

/// What a token lets its bearer be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenRole {
    /// A signed-in agent, not yet in a session.
    Agent,
    /// The customer of one session.
    Customer,
    /// An agent inside one session.
    SessionAgent,
    /// The customer who shares their screen in one screen share.
    ShareCustomer,
    /// The agent who views one screen share.
    ShareAgent,
    /// A supervisor watching one session, read-only.
    SessionSupervisor,
}

/// The claims Duet signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The agent's id, or `customer`.
    pub sub: String,
    /// The role this token grants, and only this one.
    pub role: TokenRole,
    /// The session a session token is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<SessionId>,
    /// The screen share a share token is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<ShareId>,
    /// The agent's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The agent's Duet app roles from Entra ID (`Duet.Agent`, …); absent for the development
    /// sign-in and for tokens signed before roles existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// The agent's tenant; absent for the built-in tenant (and tokens from before tenants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantId>,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
}

impl Claims {
    /// The agent this token speaks for, when it is an agent's.
    pub fn agent(&self) -> Option<AgentId> {
        matches!(self.role, TokenRole::Agent | TokenRole::SessionAgent)
            .then(|| AgentId(self.sub.clone()))
    }

    /// The supervisor this token speaks for, when it is a watching supervisor's.
    pub fn supervisor(&self) -> Option<AgentId> {
        (self.role == TokenRole::SessionSupervisor).then(|| AgentId(self.sub.clone()))
    }

    /// The tenant the bearer belongs to: the built-in one unless the token names another.
    pub fn tenant(&self) -> TenantId {
        self.tenant.clone().unwrap_or_default()
    }

    /// Whether the bearer's sign-in holds the app role `role`.
    pub fn holds_role(&self, role: &str) -> bool {
        self.roles
            .as_ref()
            .is_some_and(|roles| roles.iter().any(|held| held == role))
    }

    /// Whether the bearer may join sessions: any agent without roles (development sign-in), or
    /// one holding `Duet.Agent`.
    pub fn may_join_sessions(&self) -> bool {
        self.roles
            .as_ref()
            .is_none_or(|roles| roles.iter().any(|role| role == "Duet.Agent"))
    }
}

/// Signs and checks tokens with one key, built once at start-up.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens { .. }")
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not signed by us, malformed, or expired.
    #[error("the token is invalid or has expired; sign in or start the session again")]
    Invalid,
    /// A valid token used for the wrong role or session.
    #[error("this token is not for this; use the token you were given for this session and role")]
    WrongScope,
}

impl Tokens {
    /// Uses the configured secret, or a random one (tokens then end with the process).
    pub fn new(secret: Option<&SecretString>) -> Self {
        let key: Vec<u8> = match secret {
            Some(secret) => secret.expose_secret().as_bytes().to_vec(),
            None => {
                let mut bytes = vec![0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                bytes
            }
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.required_spec_claims = ["exp", "sub"].into_iter().map(String::from).collect();
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
        }
    }

    fn sign(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .unwrap_or_default()
    }

    /// A sign-in token for an agent.
    pub fn agent(&self, agent: &AgentId, name: &str) -> String {
        self.agent_with_roles(agent, name, None, &TenantId::default())
    }

    /// A sign-in token for an agent of `tenant` with their app roles (`None` when the sign-in
    /// has none).
    pub fn agent_with_roles(
        &self,
        agent: &AgentId,
        name: &str,
        roles: Option<Vec<String>>,
        tenant: &TenantId,
    ) -> String {
        let tenant = (tenant.as_str() != TenantId::DEFAULT).then(|| tenant.clone());
        self.sign(&Claims {
            sub: agent.0.clone(),
            role: TokenRole::Agent,
            sid: None,
            share: None,
            name: Some(name.to_owned()),
            roles,
            tenant,
            exp: expiry(AGENT_SIGNIN_LIFETIME),
        })
    }

    /// A token for the customer of one session.
    pub fn customer(&self, session: SessionId) -> String {
        self.sign(&Claims {
            sub: "customer".to_owned(),
            role: TokenRole::Customer,
            sid: Some(session),
            share: None,
            name: None,
            roles: None,
            tenant: None,
            exp: expiry(SESSION_TOKEN_LIFETIME),
        })
    }

    /// A token for an agent inside one session.
    pub fn session_agent(&self, session: SessionId, agent: &AgentId, name: Option<&str>) -> String {
        self.sign(&Claims {
            sub: agent.0.clone(),
            role: TokenRole::SessionAgent,
            sid: Some(session),
            share: None,
            name: name.map(str::to_owned),
            roles: None,
            tenant: None,
            exp: expiry(SESSION_TOKEN_LIFETIME),
        })
    }

    /// A token for a supervisor watching one session, read-only.
    pub fn session_supervisor(
        &self,
        session: SessionId,
        supervisor: &AgentId,
        name: &str,
    ) -> String {
        self.sign(&Claims {
            sub: supervisor.0.clone(),
            role: TokenRole::SessionSupervisor,
            sid: Some(session),
            share: None,
            name: Some(name.to_owned()),
            roles: None,
            tenant: None,
            exp: expiry(SESSION_TOKEN_LIFETIME),
        })
    }

    /// A token for one side of one screen share (`ShareCustomer` or `ShareAgent`).
    pub fn share(&self, share: ShareId, role: TokenRole, sub: &str, name: Option<&str>) -> String {
        self.sign(&Claims {
            sub: sub.to_owned(),
            role,
            sid: None,
            share: Some(share),
            name: name.map(str::to_owned),
            roles: None,
            tenant: None,
            exp: expiry(SESSION_TOKEN_LIFETIME),
        })
    }

    /// Checks signature and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)
    }

    /// Checks the token and that it grants `role`.
    pub fn verify_role(&self, token: &str, role: TokenRole) -> Result<Claims, TokenError> {
        let claims = self.verify(token)?;
        if claims.role != role {
            return Err(TokenError::WrongScope);
        }
        Ok(claims)
    }

    /// Checks the token is a session token (customer or agent) for `session`.
    pub fn verify_session(&self, token: &str, session: SessionId) -> Result<Claims, TokenError> {
        let claims = self.verify(token)?;
        let session_role = matches!(claims.role, TokenRole::Customer | TokenRole::SessionAgent);
        if !session_role || claims.sid != Some(session) {
            return Err(TokenError::WrongScope);
        }
        Ok(claims)
    }
}

fn expiry(lifetime: Duration) -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (now + lifetime).as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(n: &str) -> SessionId {
        n.parse().unwrap()
    }

    #[test]
    fn a_customer_token_cannot_act_as_an_agent() {
        let tokens = Tokens::new(None);
        let token = tokens.customer(session("123456789"));
        assert_eq!(
            tokens.verify_role(&token, TokenRole::Agent),
            Err(TokenError::WrongScope)
        );
        assert_eq!(
            tokens.verify_role(&token, TokenRole::SessionAgent),
            Err(TokenError::WrongScope)
        );
    }

    #[test]
    fn an_agent_sign_in_token_cannot_act_as_a_customer_or_in_a_session() {
        let tokens = Tokens::new(None);
        let token = tokens.agent(&AgentId("dev:ann".into()), "Ann");
        assert_eq!(
            tokens.verify_role(&token, TokenRole::Customer),
            Err(TokenError::WrongScope)
        );
        assert_eq!(
            tokens.verify_session(&token, session("123456789")),
            Err(TokenError::WrongScope)
        );
    }

    #[test]
    fn a_session_token_is_bound_to_its_session() {
        let tokens = Tokens::new(None);
        let token = tokens.customer(session("123456789"));
        assert!(tokens.verify_session(&token, session("123456789")).is_ok());
        assert_eq!(
            tokens.verify_session(&token, session("987654321")),
            Err(TokenError::WrongScope)
        );
    }

    #[test]
    fn a_token_without_roles_still_verifies_and_only_duet_agent_may_join() {
        let tokens = Tokens::new(None);
        let old = tokens.agent(&AgentId("dev:ann".into()), "Ann");
        assert!(!old.is_empty());
        let claims = tokens.verify_role(&old, TokenRole::Agent).unwrap();
        assert_eq!(claims.roles, None);
        assert!(claims.may_join_sessions());
        let agent = AgentId("entra:t:o".into());
        let supervisor = tokens.agent_with_roles(
            &agent,
            "Sue",
            Some(vec!["Duet.Supervisor".into()]),
            &TenantId::default(),
        );
        let claims = tokens.verify_role(&supervisor, TokenRole::Agent).unwrap();
        assert!(!claims.may_join_sessions());
        let both = vec!["Duet.Supervisor".into(), "Duet.Agent".into()];
        let claims = tokens
            .verify_role(
                &tokens.agent_with_roles(&agent, "Sue", Some(both), &TenantId::default()),
                TokenRole::Agent,
            )
            .unwrap();
        assert!(claims.may_join_sessions());
    }

    #[test]
    fn a_token_signed_with_another_key_is_invalid() {
        let ours = Tokens::new(None);
        let theirs = Tokens::new(Some(&SecretString::from("another key")));
        let token = theirs.customer(session("123456789"));
        assert_eq!(ours.verify(&token), Err(TokenError::Invalid));
    }
}
