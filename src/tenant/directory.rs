//! The registrations a running Duet knows: read from the store at start and every few seconds
//! after, so `duet tenant add` or `remove` takes effect without a restart. Readers get the last
//! good copy without waiting; a failed refresh keeps it and says so in the log.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::registry::{Registration, RegistrationError, Registry};

/// How often the registrations are read again.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(5);

/// The registered tenants, as last read.
#[derive(Debug)]
pub struct Directory {
    registry: Registry,
    current: RwLock<Arc<Vec<Registration>>>,
}

impl Directory {
    /// Reads the registrations from `registry` now.
    pub async fn load(registry: Registry) -> Result<Self, RegistrationError> {
        let all = registry.list().await?;
        Ok(Self {
            registry,
            current: RwLock::new(Arc::new(all)),
        })
    }

    /// Reads the registrations again; on failure the last good copy stays.
    pub async fn refresh(&self) -> Result<(), RegistrationError> {
        let all = self.registry.list().await?;
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(all);
        Ok(())
    }

    /// Every registered tenant.
    pub fn all(&self) -> Arc<Vec<Registration>> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The tenant whose chat-platform key `key` is.
    pub fn by_chat_key(&self, key: &str) -> Option<Registration> {
        self.all()
            .iter()
            .find(|registration| registration.has_chat_key(key))
            .cloned()
    }

    /// The tenant's own policy, when it has one.
    pub fn policy_of(
        &self,
        tenant: &crate::engine::TenantId,
    ) -> Option<crate::config::PolicySettings> {
        self.all()
            .iter()
            .find(|registration| registration.tenant == *tenant)
            .and_then(|registration| registration.policy.clone())
    }

    /// The tenant's own STUN/TURN URLs, when it has them.
    pub fn ice_servers_of(&self, tenant: &crate::engine::TenantId) -> Option<Vec<String>> {
        self.all()
            .iter()
            .find(|registration| registration.tenant == *tenant)
            .and_then(|registration| registration.ice_servers.clone())
    }

    /// The tenants whose websites include `origin` (usually one; a shared site may be several's).
    pub fn by_site(&self, origin: &str) -> Vec<Registration> {
        self.all()
            .iter()
            .filter(|registration| registration.sites.iter().any(|site| site == origin))
            .cloned()
            .collect()
    }

    /// The tenant registered with this Entra tenant id (compared in lower case).
    pub fn by_entra_tenant(&self, entra_tenant: &str) -> Option<Registration> {
        let wanted = entra_tenant.to_ascii_lowercase();
        self.all()
            .iter()
            .find(|registration| registration.entra_tenant == wanted)
            .cloned()
    }
}
