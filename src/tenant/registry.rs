//! The customer organisations a Duet serves: each registration (a name, its Microsoft Entra
//! tenant id, its Dynamics org origins, its website origins, its own policy and ICE servers) is kept in the store as the
//! tenant's `registration` setting, so adding or removing one is in that tenant's audit trail.
//! `duet tenant …` writes them; a running Duet reads them from the same store.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::json;

use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::config::PolicySettings;
use crate::engine::{Actor, Change, Event, Subject, TenantId, Timestamp};
use crate::store::{Forgotten, Store, StoreError};

use super::checks::{checked, ice_servers, origins, tenant_id};

/// The name a registration is stored under.
pub const REGISTRATION: &str = "registration";

/// One customer organisation Duet serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    /// The tenant's id in Duet: its name, lower case, letters, digits and dashes.
    pub tenant: TenantId,
    /// The name as the administrator gave it.
    pub name: String,
    /// Its Microsoft Entra ID tenant (directory) id, a GUID in lower case.
    pub entra_tenant: String,
    /// The origins of its Dynamics 365 orgs, which frame the agent's console.
    pub orgs: Vec<String>,
    /// The origins of its websites, which load the customer script.
    pub sites: Vec<String>,
    /// Its own masking and control policy (`duet tenant set --policy`); the built-in one when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicySettings>,
    /// Its own STUN/TURN servers for screen sharing (`duet tenant set --ice-server`); the
    /// built-in ones (`DUET_ICE_SERVERS`) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ice_servers: Option<Vec<String>>,
    /// SHA-256 (hex) of the key its chat platform ends conversations with; the key itself is
    /// shown once, when made, and kept nowhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_key_sha256: Option<String>,
}

impl Registration {
    /// Whether `key` is this tenant's chat-platform key.
    pub fn has_chat_key(&self, key: &str) -> bool {
        let Some(stored) = &self.chat_key_sha256 else {
            return false;
        };
        let offered = hex::encode(Sha256::digest(key.as_bytes()));
        offered.len() == stored.len()
            && offered
                .bytes()
                .zip(stored.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// A new registration and the chat-platform key made for it (shown once).
pub struct Added {
    /// What was registered.
    pub registration: Registration,
    /// The key its chat platform ends conversations with (`Authorization: Bearer …`).
    pub chat_key: SecretString,
}

/// A change to a registration (`duet tenant set`, the admin page): each field given replaces
/// what the tenant had.
#[derive(Debug, Clone, Default)]
pub struct Amendment {
    /// Its own masking and control policy.
    pub policy: Option<PolicySettings>,
    /// Its Dynamics org URLs (at least one).
    pub orgs: Option<Vec<String>>,
    /// Its website URLs.
    pub sites: Option<Vec<String>>,
    /// Its STUN/TURN URLs; an empty list means the built-in ones again.
    pub ice_servers: Option<Vec<String>>,
    /// Make a new chat-platform key; the old one stops working.
    pub new_chat_key: bool,
}

impl Amendment {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.policy.is_none()
            && self.orgs.is_none()
            && self.sites.is_none()
            && self.ice_servers.is_none()
            && !self.new_chat_key
    }
}

/// A changed registration, and its new chat-platform key when one was made (shown once).
pub struct Amended {
    /// The registration as it now is.
    pub registration: Registration,
    /// The new key, when the amendment asked for one.
    pub chat_key: Option<SecretString>,
}

/// What `duet tenant add` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRegistration {
    /// The organisation's name.
    pub name: String,
    /// Its Entra tenant id.
    pub entra_tenant: String,
    /// Its Dynamics org URLs.
    pub orgs: Vec<String>,
    /// Its website URLs.
    pub sites: Vec<String>,
}

/// Why a registration was refused or could not be read; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// The name has nothing Duet can use as an id.
    #[error(
        "the tenant name {0:?} has no letters or digits; give a name like \"Contoso\" (1 to 64 characters)"
    )]
    BadName(String),
    /// The Entra tenant id is not a GUID.
    #[error(
        "{0:?} is not an Entra tenant id: copy the Directory (tenant) ID, a GUID, from Microsoft Entra admin center → Overview"
    )]
    BadEntraTenant(String),
    /// An origin is not an https origin (http only on loopback).
    #[error(
        "{0:?} is not an origin Duet can trust: give https://host (a port if any, no path); plain http only for 127.0.0.1 or localhost"
    )]
    BadOrigin(String),
    /// A registration needs at least one org.
    #[error("give the tenant's Dynamics org with --org https://<org>.crm.dynamics.com")]
    NoOrg,
    /// The name is taken.
    #[error("a tenant named {0} is already registered; pick another name or remove it first")]
    NameTaken(String),
    /// The Entra tenant is registered under another name.
    #[error("Entra tenant {entra_tenant} is already registered as {tenant}")]
    EntraTenantTaken {
        /// The Entra tenant id.
        entra_tenant: String,
        /// The tenant it belongs to.
        tenant: String,
    },
    /// The policy file cannot be used.
    #[error("the policy is not valid: {0}; it takes the keys of duet.toml's [policy] section")]
    BadPolicy(String),
    /// An ICE server URL is not a STUN or TURN URL.
    #[error(
        "{0:?} is not an ICE server: give stun:host[:port] or turn:host[:port] (turns: and stuns: for TLS)"
    )]
    BadIceServer(String),
    /// No tenant has that name.
    #[error("no tenant is registered as {0}; `duet tenant list` shows those that are")]
    Unknown(String),
    /// A stored registration cannot be read.
    #[error("the stored registration of tenant {0} cannot be read; remove it and add it again")]
    Unreadable(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The registrations in the store.
#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Registry { .. }")
    }
}

impl Registry {
    /// Registrations kept in `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Every registered tenant, by id.
    pub async fn list(&self) -> Result<Vec<Registration>, RegistrationError> {
        let stored = self.store.settings_named(REGISTRATION).await?;
        stored
            .into_iter()
            .map(|(tenant, value)| {
                serde_json::from_value(value).map_err(|_| RegistrationError::Unreadable(tenant))
            })
            .collect()
    }

    /// The tenant whose Entra tenant id is `entra_tenant`, if registered.
    pub async fn by_entra_tenant(
        &self,
        entra_tenant: &str,
    ) -> Result<Option<Registration>, RegistrationError> {
        let wanted = entra_tenant.to_ascii_lowercase();
        let all = self.list().await?;
        Ok(all.into_iter().find(|r| r.entra_tenant == wanted))
    }

    /// Registers a tenant, checked, with a new chat-platform key; recorded in its audit trail
    /// as done by the administrator.
    pub async fn add(
        &self,
        new: NewRegistration,
        now: Timestamp,
    ) -> Result<Added, RegistrationError> {
        let mut registration = checked(new)?;
        let chat_key = new_chat_key();
        registration.chat_key_sha256 = Some(hex::encode(Sha256::digest(
            chat_key.expose_secret().as_bytes(),
        )));
        for existing in self.list().await? {
            if existing.tenant == registration.tenant {
                return Err(RegistrationError::NameTaken(existing.tenant.to_string()));
            }
            if existing.entra_tenant == registration.entra_tenant {
                return Err(RegistrationError::EntraTenantTaken {
                    entra_tenant: existing.entra_tenant,
                    tenant: existing.tenant.to_string(),
                });
            }
        }
        let detail = json!({
            "registered": registration.name,
            "entra_tenant": registration.entra_tenant,
            "orgs": registration.orgs,
            "sites": registration.sites,
        });
        self.save(&registration, Actor::admin(), detail, now)
            .await?;
        Ok(Added {
            registration,
            chat_key,
        })
    }

    /// Changes the tenant `name` as `amendment` says, checked, by `actor`; recorded in its audit
    /// trail with the names of what changed (never the chat-platform key).
    pub async fn amend(
        &self,
        name: &str,
        amendment: Amendment,
        actor: Actor,
        now: Timestamp,
    ) -> Result<Amended, RegistrationError> {
        let tenant = tenant_id(name)?;
        let mut registration = self
            .list()
            .await?
            .into_iter()
            .find(|r| r.tenant == tenant)
            .ok_or_else(|| RegistrationError::Unknown(tenant.to_string()))?;
        let mut detail = serde_json::Map::new();
        if let Some(policy) = amendment.policy {
            crate::config::check_surfaces(&policy.allowed_surfaces)
                .map_err(|error| RegistrationError::BadPolicy(error.to_string()))?;
            detail.insert("policy".into(), json!(policy));
            registration.policy = Some(policy);
        }
        if let Some(orgs) = amendment.orgs {
            let orgs = origins(&orgs)?;
            if orgs.is_empty() {
                return Err(RegistrationError::NoOrg);
            }
            detail.insert("orgs".into(), json!(orgs));
            registration.orgs = orgs;
        }
        if let Some(sites) = amendment.sites {
            registration.sites = origins(&sites)?;
            detail.insert("sites".into(), json!(registration.sites));
        }
        if let Some(urls) = amendment.ice_servers {
            let urls = ice_servers(&urls)?;
            detail.insert("ice_servers".into(), json!(urls));
            registration.ice_servers = (!urls.is_empty()).then_some(urls);
        }
        let chat_key = amendment.new_chat_key.then(new_chat_key);
        if let Some(key) = &chat_key {
            registration.chat_key_sha256 =
                Some(hex::encode(Sha256::digest(key.expose_secret().as_bytes())));
            detail.insert("chat_key".into(), json!("replaced"));
        }
        self.save(&registration, actor, serde_json::Value::Object(detail), now)
            .await?;
        Ok(Amended {
            registration,
            chat_key,
        })
    }

    async fn save(
        &self,
        registration: &Registration,
        actor: Actor,
        detail: serde_json::Value,
        now: Timestamp,
    ) -> Result<(), RegistrationError> {
        let value = serde_json::to_value(registration).unwrap_or_default();
        let event = Event {
            at: now,
            tenant: registration.tenant.clone(),
            subject: Subject::Tenant,
            actor,
            change: Change::SettingsChanged {
                setting: REGISTRATION,
                detail,
            },
            after: None,
        };
        let record = crate::journal::audit_record(&event);
        self.store
            .put_setting(registration.tenant.as_str(), REGISTRATION, &value, record)
            .await?;
        Ok(())
    }

    /// Removes a tenant and everything Duet keeps for it (its audit trail too when
    /// `purge_audit`; export it first with `duet audit export --tenant`).
    pub async fn remove(
        &self,
        name: &str,
        purge_audit: bool,
    ) -> Result<Forgotten, RegistrationError> {
        let tenant = tenant_id(name)?;
        let known = self.list().await?.into_iter().any(|r| r.tenant == tenant);
        if !known {
            return Err(RegistrationError::Unknown(tenant.to_string()));
        }
        Ok(self
            .store
            .forget_tenant(tenant.as_str(), purge_audit)
            .await?)
    }
}

/// 32 random bytes, hex: a key nobody guesses.
fn new_chat_key() -> SecretString {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::from(format!("duet-chat-{}", hex::encode(bytes)))
}
