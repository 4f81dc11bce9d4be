//! Who takes part and who acts: agents by their stable id, the two sides of a connection
//! ([`Role`]), and the [`Actor`] an audit record names.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Who an agent is: the stable subject of their sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AgentId(pub String);

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who is on the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The customer whose page or screen is shared.
    Customer,
    /// An agent.
    Agent(AgentId),
    /// A supervisor watching, read-only: sees the page, sends nothing.
    Supervisor(AgentId),
}

impl Role {
    /// `customer`, `agent` or `supervisor`.
    pub fn kind(&self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent(_) => "agent",
            Role::Supervisor(_) => "supervisor",
        }
    }

    /// The agent, when this is one.
    pub fn agent(&self) -> Option<&AgentId> {
        match self {
            Role::Agent(id) => Some(id),
            Role::Customer | Role::Supervisor(_) => None,
        }
    }
}

/// What kind of actor an audit record names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// The customer of a session.
    Customer,
    /// A signed-in agent.
    Agent,
    /// A supervisor reviewing sessions.
    Supervisor,
    /// The tenant's administrator.
    Admin,
    /// Duet itself: time limits, restarts.
    System,
}

impl ActorRole {
    /// The name the audit uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Customer => "customer",
            ActorRole::Agent => "agent",
            ActorRole::Supervisor => "supervisor",
            ActorRole::Admin => "admin",
            ActorRole::System => "system",
        }
    }
}

/// Who did something: `{role, id, name}` in the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// What kind of actor.
    pub role: ActorRole,
    /// Their stable id, when they have one (agents do; the customer and Duet do not).
    pub id: Option<String>,
    /// Their name as shown, when known.
    pub name: Option<String>,
}

impl Actor {
    /// The customer of a session.
    pub fn customer() -> Self {
        Self {
            role: ActorRole::Customer,
            id: None,
            name: None,
        }
    }

    /// An agent, by id and name.
    pub fn agent(id: &AgentId, name: &str) -> Self {
        Self {
            role: ActorRole::Agent,
            id: Some(id.0.clone()),
            name: Some(name.to_owned()),
        }
    }

    /// The tenant's administrator.
    pub fn admin() -> Self {
        Self {
            role: ActorRole::Admin,
            id: None,
            name: None,
        }
    }

    /// A person administering the tenant, signed in with the `Duet.Admin` role.
    pub fn admin_user(id: &AgentId, name: &str) -> Self {
        Self {
            role: ActorRole::Admin,
            id: Some(id.0.clone()),
            name: Some(name.to_owned()),
        }
    }

    /// A supervisor, signed in with the `Duet.Supervisor` role.
    pub fn supervisor(id: &AgentId, name: &str) -> Self {
        Self {
            role: ActorRole::Supervisor,
            id: Some(id.0.clone()),
            name: Some(name.to_owned()),
        }
    }

    /// Duet itself.
    pub fn system() -> Self {
        Self {
            role: ActorRole::System,
            id: None,
            name: None,
        }
    }
}
