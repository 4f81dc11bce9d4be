//! What only the screen-share registry does: an agent starts a share with a six-digit key (one
//! live share per agent), the customer uses the key (once) and accepts, the agent's console
//! reports the first frame.

use rand::Rng;

use super::actor::AgentId;
use super::cell::Cell;
use super::claim::Claim;
use super::clock::Timestamp;
use super::ids::{ShareId, TenantId};
use super::registry::Registry;
use super::share::{KEY_DIGITS, Share, ShareError};
use super::sink::Unrecorded;

/// Every screen share this process holds.
pub type Shares = Registry<Share>;

/// What an agent gets when starting a share.
#[derive(Debug, Clone)]
pub struct NewShare {
    /// The share's id.
    pub id: ShareId,
    /// The security key to read to the customer.
    pub key: String,
}

impl Registry<Share> {
    /// Starts a request for the agent; refused while the agent has a live share (on this node
    /// or, as the store says, another). A key another pending share holds is drawn again.
    pub async fn create(
        &self,
        tenant: TenantId,
        agent: &AgentId,
        agent_name: &str,
        conversation: Option<String>,
        now: Timestamp,
    ) -> Result<NewShare, ShareError> {
        loop {
            let key = fresh_key(&self.pending_keys().await);
            let (share, happened) = Share::start(
                tenant.clone(),
                agent,
                agent_name,
                conversation.clone(),
                key.clone(),
                now,
            );
            let id = share.id();
            {
                let mut index = self.index();
                if index.live_by_agent.contains_key(agent) {
                    return Err(ShareError::AgentBusy);
                }
                index.live_by_agent.insert(agent.clone(), id);
                index.reserved.insert(id);
            }
            match self.insert(share, happened, now).await {
                Ok(_) => return Ok(NewShare { id, key }),
                Err(refused) => {
                    self.release(id);
                    match refused {
                        Unrecorded::Claimed {
                            claim: Claim::ShareKey(_),
                            ..
                        } => continue,
                        Unrecorded::Claimed { .. } => return Err(ShareError::AgentBusy),
                        other => return Err(other.into()),
                    }
                }
            }
        }
    }

    async fn pending_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for cell in self.cells().into_iter().filter(|cell| cell.is_live()) {
            let share = cell.state().await;
            if share.state() == super::share::ShareState::Pending {
                keys.push(share.key().to_owned());
            }
        }
        keys
    }

    /// Uses the key the customer typed (spaces and dashes allowed) and returns its pending
    /// share; a key opens its share once, so whoever enters it next hears `KeyInUse`.
    pub async fn use_key(&self, typed: &str, now: Timestamp) -> Result<Share, ShareError> {
        let key: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        for cell in self.cells().into_iter().filter(|cell| cell.is_live()) {
            if cell.state().await.has_key(&key) {
                self.change(&cell, now, Share::use_key).await?;
                return Ok(cell.state().await);
            }
        }
        Err(ShareError::UnknownKey)
    }

    /// The customer accepted: recorded before the agent hears it; the key is used up.
    pub async fn accept(&self, cell: &Cell<Share>, now: Timestamp) -> Result<(), ShareError> {
        self.change(cell, now, |share| share.accept(now)).await
    }

    /// The agent's console shows the first frame.
    pub async fn mark_live(&self, cell: &Cell<Share>, now: Timestamp) -> Result<(), ShareError> {
        self.change(cell, now, |share| share.mark_live(now)).await
    }
}

fn fresh_key(taken: &[String]) -> String {
    let mut rng = rand::rng();
    loop {
        let key: String = (0..KEY_DIGITS)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect();
        if !taken.contains(&key) {
            return key;
        }
    }
}
