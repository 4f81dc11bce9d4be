//! What a live session or share holds alone among those of its kind, so that every node sharing
//! the store agrees: an agent (one live co-browse, and one live screen share, each) and a pending
//! share's key. The store keeps them as a constraint; the registries' memory is the fast path.

use std::fmt;

use super::actor::AgentId;

/// One thing a live session or share holds alone among those of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Claim {
    /// The agent is in it (seated, or waiting for the customer's consent).
    Agent(AgentId),
    /// The six-digit key that opens a pending share.
    ShareKey(String),
}

impl fmt::Display for Claim {
    /// The claim as the store keeps it: `agent:<id>` or `key:<digits>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Agent(agent) => write!(f, "agent:{}", agent.0),
            Self::ShareKey(key) => write!(f, "key:{key}"),
        }
    }
}

impl Claim {
    /// The claim a stored text names, if any.
    pub fn from_stored(text: &str) -> Option<Self> {
        if let Some(agent) = text.strip_prefix("agent:") {
            return Some(Self::Agent(AgentId(agent.to_owned())));
        }
        text.strip_prefix("key:")
            .map(|key| Self::ShareKey(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_reads_back_from_its_stored_text() {
        let agent = Claim::Agent(AgentId("entra:t:o:with:colons".to_owned()));
        let key = Claim::ShareKey("012345".to_owned());
        for claim in [agent, key] {
            assert_eq!(Claim::from_stored(&claim.to_string()), Some(claim));
        }
        assert_eq!(Claim::from_stored("other:1"), None);
    }
}
