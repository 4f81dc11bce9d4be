//! The customer organisations a Duet serves: each registration (a name, its Microsoft Entra
//! tenant id, its Dynamics org origins and its website origins) is kept in the store as the
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
        self.save(&registration, detail, now).await?;
        Ok(Added {
            registration,
            chat_key,
        })
    }

    /// Gives the tenant `name` its own policy; recorded in its audit trail.
    pub async fn set_policy(
        &self,
        name: &str,
        policy: PolicySettings,
        now: Timestamp,
    ) -> Result<Registration, RegistrationError> {
        crate::config::check_surfaces(&policy.allowed_surfaces)
            .map_err(|error| RegistrationError::BadPolicy(error.to_string()))?;
        let tenant = tenant_id(name)?;
        let mut registration = self
            .list()
            .await?
            .into_iter()
            .find(|r| r.tenant == tenant)
            .ok_or_else(|| RegistrationError::Unknown(tenant.to_string()))?;
        registration.policy = Some(policy);
        let detail = json!({ "policy": registration.policy });
        self.save(&registration, detail, now).await?;
        Ok(registration)
    }

    async fn save(
        &self,
        registration: &Registration,
        detail: serde_json::Value,
        now: Timestamp,
    ) -> Result<(), RegistrationError> {
        let value = serde_json::to_value(registration).unwrap_or_default();
        let event = Event {
            at: now,
            tenant: registration.tenant.clone(),
            subject: Subject::Tenant,
            actor: Actor::admin(),
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

/// The registration `new` describes, or why it cannot be one.
fn checked(new: NewRegistration) -> Result<Registration, RegistrationError> {
    let tenant = tenant_id(&new.name)?;
    let entra_tenant = new.entra_tenant.trim().to_ascii_lowercase();
    if uuid::Uuid::parse_str(&entra_tenant).is_err() || entra_tenant.len() != 36 {
        return Err(RegistrationError::BadEntraTenant(new.entra_tenant));
    }
    if new.orgs.is_empty() {
        return Err(RegistrationError::NoOrg);
    }
    let origins = |urls: Vec<String>| -> Result<Vec<String>, RegistrationError> {
        urls.iter().map(|url| origin(url)).collect()
    };
    Ok(Registration {
        tenant,
        name: new.name.trim().to_owned(),
        entra_tenant,
        orgs: origins(new.orgs)?,
        sites: origins(new.sites)?,
        policy: None,
        chat_key_sha256: None,
    })
}

/// 32 random bytes, hex: a key nobody guesses.
fn new_chat_key() -> SecretString {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::from(format!("duet-chat-{}", hex::encode(bytes)))
}

/// The tenant id a name gives: lower case, every run of other characters one dash.
fn tenant_id(name: &str) -> Result<TenantId, RegistrationError> {
    let name = name.trim();
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() || name.chars().count() > 64 || id == TenantId::DEFAULT {
        return Err(RegistrationError::BadName(name.to_owned()));
    }
    Ok(TenantId::new(id))
}

/// The origin of `url`: https, or http on loopback; no path, query or fragment.
fn origin(url: &str) -> Result<String, RegistrationError> {
    let bad = || RegistrationError::BadOrigin(url.to_owned());
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad())?;
    let host = parsed.host_str().ok_or_else(bad)?;
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let secure = parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback);
    let bare = parsed.path() == "/"
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty();
    if !secure || !bare {
        return Err(bad());
    }
    Ok(parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contoso() -> NewRegistration {
        NewRegistration {
            name: "Contoso Ltd".to_owned(),
            entra_tenant: "72F988BF-86F1-41AF-91AB-2D7CD011DB47".to_owned(),
            orgs: vec!["https://contoso.crm4.dynamics.com/".to_owned()],
            sites: vec!["https://shop.contoso.com".to_owned()],
        }
    }

    #[test]
    fn a_registration_keeps_lower_case_ids_and_bare_origins() {
        let registration = checked(contoso()).unwrap();
        assert_eq!(registration.tenant.as_str(), "contoso-ltd");
        assert_eq!(
            registration.entra_tenant,
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert_eq!(registration.orgs, ["https://contoso.crm4.dynamics.com"]);
    }

    #[test]
    fn origins_must_be_https_except_on_loopback_and_carry_no_path() {
        assert!(origin("http://127.0.0.1:8080").is_ok());
        assert!(origin("http://localhost:3000/").is_ok());
        for bad in [
            "http://contoso.crm.dynamics.com",
            "https://contoso.crm.dynamics.com/main.aspx",
            "https://user@contoso.com",
            "javascript:alert(1)",
            "contoso.com",
        ] {
            assert!(
                matches!(origin(bad), Err(RegistrationError::BadOrigin(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_name_without_letters_a_bad_tenant_id_or_no_org_is_refused_with_what_to_do() {
        let mut nameless = contoso();
        nameless.name = " -- ".to_owned();
        assert!(matches!(
            checked(nameless),
            Err(RegistrationError::BadName(_))
        ));
        let mut not_a_guid = contoso();
        not_a_guid.entra_tenant = "contoso.onmicrosoft.com".to_owned();
        let refused = checked(not_a_guid).unwrap_err();
        assert!(refused.to_string().contains("Directory (tenant) ID"));
        let mut no_org = contoso();
        no_org.orgs.clear();
        assert!(matches!(checked(no_org), Err(RegistrationError::NoOrg)));
    }
}
