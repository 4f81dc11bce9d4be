//! Typed settings, read once at start-up: built-in defaults, then `duet.toml`, then `DUET_*` variables.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use secrecy::SecretString;
use serde::Deserialize;

mod entra;
mod env;
mod policy;
mod proxies;

pub use entra::EntraSettings;
pub use policy::PolicySettings;
pub(crate) use policy::check_surfaces;
pub use proxies::TrustedProxy;

/// Where Duet keeps its data unless `DUET_DATA_DIR` says otherwise.
pub const DEFAULT_DATA_DIR: &str = "duet-data";

/// `DUET_DATABASE_URL` that keeps nothing: no audit trail, nothing across a restart (for
/// measuring Duet without its store).
pub const NO_STORE: &str = "none";

/// Every setting Duet reads; see the README's settings table.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where `duet serve` listens (`DUET_LISTEN`).
    pub listen: SocketAddr,
    /// The origin browsers use to reach Duet (`DUET_PUBLIC_URL`); defaults to `http://<listen>`.
    pub public_url: Option<String>,
    /// The development agent sign-in (`DUET_DEV_SIGNIN`); `None` means on only on loopback.
    pub dev_signin: Option<bool>,
    /// Key that signs customer and agent tokens (`DUET_TOKEN_SECRET`); random per start when unset.
    pub token_secret: Option<SecretString>,
    /// Origins allowed to start customer sessions (`DUET_ALLOWED_ORIGINS`, comma separated); Duet's own is always allowed.
    pub allowed_origins: Vec<String>,
    /// Dynamics 365 org origins allowed to frame the agent's console (`DUET_ORG_ORIGINS`, comma
    /// separated), besides the orgs of registered tenants and Duet's own demo host.
    pub org_origins: Vec<String>,
    /// What the customer's script hides and protects.
    pub policy: PolicySettings,
    /// How long sessions, requests and absences may last.
    pub timeouts: Timeouts,
    /// Largest WebSocket message accepted, in bytes (`DUET_MAX_MESSAGE_BYTES`).
    pub max_message_bytes: usize,
    /// Bearer key that lets an administrator change tenant settings (`DUET_ADMIN_KEY`); unset refuses changes.
    pub admin_key: Option<SecretString>,
    /// Join attempts, and apart from them sign-ins, pending lookups and session starts, allowed
    /// per client address per minute (`DUET_JOINS_PER_ADDRESS_PER_MINUTE`).
    pub joins_per_address_per_minute: usize,
    /// Where Duet keeps its data (`DUET_DATA_DIR`, default `./duet-data`, created on first start).
    pub data_dir: std::path::PathBuf,
    /// The store (`DUET_DATABASE_URL`): `sqlite://…` or `postgres://…`; default
    /// `sqlite://<data dir>/duet.db`.
    pub database_url: Option<String>,
    /// The NATS server of a cluster (`DUET_BUS_URL`, `nats://…`): with a PostgreSQL store it
    /// makes this process one node of several; unset, Duet is a single node.
    pub bus_url: Option<String>,
    /// This node's name in a cluster (`DUET_NODE_NAME`); default a fresh random one per start.
    pub node_name: Option<String>,
    /// Load balancers whose `X-Forwarded-For` names the client (`DUET_TRUSTED_PROXIES`,
    /// addresses or CIDR ranges); none by default, so the header is ignored.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Days the audit trail is kept (`DUET_AUDIT_RETENTION_DAYS`); 0 keeps it forever.
    pub audit_retention_days: u32,
    /// Days a session recording is kept (`DUET_RECORDING_RETENTION_DAYS`); 0 keeps them forever.
    pub recording_retention_days: u32,
    /// Client credentials for the Dataverse commands.
    pub dataverse: DataverseSettings,
    /// STUN/TURN URLs for screen-share WebRTC (`DUET_ICE_SERVERS`, comma separated); none on loopback.
    pub ice_servers: Vec<String>,
    /// Agent sign-in with Microsoft Entra ID (OpenID Connect).
    pub entra: EntraSettings,
}

/// Time limits, in seconds in the file and the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeouts {
    /// A session no agent joins expires after this (`DUET_IDLE_EXPIRY_SECS`).
    pub idle_expiry: Duration,
    /// No activity from either side ends the session (`DUET_INACTIVITY_SECS`).
    pub inactivity: Duration,
    /// An agent whose console went away may come back within this (`DUET_AGENT_GRACE_SECS`).
    pub agent_grace: Duration,
    /// A control request nobody answers lapses after this (`DUET_CONTROL_REQUEST_SECS`).
    pub control_request: Duration,
    /// A screen-share request not accepted expires after this (`DUET_SCREENSHARE_ACCEPT_SECS`).
    pub screenshare_accept: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            idle_expiry: Duration::from_secs(600),
            inactivity: Duration::from_secs(900),
            agent_grace: Duration::from_secs(30),
            control_request: Duration::from_secs(30),
            screenshare_accept: Duration::from_secs(60),
        }
    }
}

/// Client-credentials settings for `duet provision`, `deprovision` and `status`.
#[derive(Debug, Clone)]
pub struct DataverseSettings {
    /// Microsoft Entra tenant id or domain (`DUET_DATAVERSE_TENANT_ID`).
    pub tenant_id: Option<String>,
    /// The app registration's client id (`DUET_DATAVERSE_CLIENT_ID`).
    pub client_id: Option<String>,
    /// The app registration's client secret (`DUET_DATAVERSE_CLIENT_SECRET`); never printed.
    pub client_secret: Option<SecretString>,
    /// Token authority (`DUET_DATAVERSE_AUTHORITY`), default `https://login.microsoftonline.com`.
    pub authority: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            dev_signin: None,
            token_secret: None,
            allowed_origins: Vec::new(),
            org_origins: Vec::new(),
            policy: PolicySettings::default(),
            timeouts: Timeouts::default(),
            max_message_bytes: 8 * 1024 * 1024,
            admin_key: None,
            joins_per_address_per_minute: 300,
            data_dir: std::path::PathBuf::from(DEFAULT_DATA_DIR),
            database_url: None,
            bus_url: None,
            node_name: None,
            trusted_proxies: Vec::new(),
            audit_retention_days: 365,
            recording_retention_days: 90,
            dataverse: DataverseSettings {
                tenant_id: None,
                client_id: None,
                client_secret: None,
                authority: "https://login.microsoftonline.com".to_owned(),
            },
            ice_servers: Vec::new(),
            entra: EntraSettings::default(),
        }
    }
}

/// The shape of `duet.toml`; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    public_url: Option<String>,
    dev_signin: Option<bool>,
    token_secret: Option<SecretString>,
    allowed_origins: Option<Vec<String>>,
    org_origins: Option<Vec<String>>,
    max_message_bytes: Option<usize>,
    admin_key: Option<SecretString>,
    joins_per_address_per_minute: Option<usize>,
    data_dir: Option<std::path::PathBuf>,
    database_url: Option<String>,
    bus_url: Option<String>,
    node_name: Option<String>,
    audit_retention_days: Option<u32>,
    recording_retention_days: Option<u32>,
    policy: Option<PolicySettings>,
    timeouts: Option<FileTimeouts>,
    dataverse: Option<FileDataverse>,
    ice_servers: Option<Vec<String>>,
    entra: Option<FileEntra>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileTimeouts {
    idle_expiry_secs: Option<u64>,
    inactivity_secs: Option<u64>,
    agent_grace_secs: Option<u64>,
    control_request_secs: Option<u64>,
    screenshare_accept_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileDataverse {
    tenant_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    authority: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileEntra {
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    authority: Option<String>,
}

impl Config {
    /// Loads defaults, then the file (the given one must exist; `duet.toml` is optional), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut config = Self::default();
        let (path, required) = match file {
            Some(path) => (path.to_path_buf(), true),
            None => (Path::new("duet.toml").to_path_buf(), false),
        };
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading settings file {}", path.display()))?;
            config.apply_file(&text).with_context(|| {
                format!(
                    "{} is not a valid Duet settings file: fix the key named above, or remove it",
                    path.display()
                )
            })?;
        } else if required {
            bail!(
                "settings file {} does not exist: check the path given to --config",
                path.display()
            );
        }
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// The store's URL: `DUET_DATABASE_URL`, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("duet.db").display()),
        }
    }

    fn apply_file(&mut self, text: &str) -> anyhow::Result<()> {
        let file: FileConfig = toml::from_str(text)?;
        set(&mut self.listen, file.listen);
        self.public_url = file.public_url.or(self.public_url.take());
        self.dev_signin = file.dev_signin.or(self.dev_signin);
        self.token_secret = file.token_secret.or(self.token_secret.take());
        set(&mut self.allowed_origins, file.allowed_origins);
        set(&mut self.org_origins, file.org_origins);
        set(&mut self.max_message_bytes, file.max_message_bytes);
        self.admin_key = file.admin_key.or(self.admin_key.take());
        set(
            &mut self.joins_per_address_per_minute,
            file.joins_per_address_per_minute,
        );
        set(&mut self.data_dir, file.data_dir);
        self.database_url = file.database_url.or(self.database_url.take());
        self.bus_url = file.bus_url.or(self.bus_url.take());
        self.node_name = file.node_name.or(self.node_name.take());
        set(&mut self.audit_retention_days, file.audit_retention_days);
        set(
            &mut self.recording_retention_days,
            file.recording_retention_days,
        );
        set(&mut self.policy, file.policy);
        check_surfaces(&self.policy.allowed_surfaces).context("[policy] allowed_surfaces")?;
        set(&mut self.ice_servers, file.ice_servers);
        if let Some(t) = file.timeouts {
            set_secs(&mut self.timeouts.idle_expiry, t.idle_expiry_secs);
            set_secs(&mut self.timeouts.inactivity, t.inactivity_secs);
            set_secs(&mut self.timeouts.agent_grace, t.agent_grace_secs);
            set_secs(&mut self.timeouts.control_request, t.control_request_secs);
            set_secs(
                &mut self.timeouts.screenshare_accept,
                t.screenshare_accept_secs,
            );
        }
        if let Some(d) = file.dataverse {
            self.dataverse.tenant_id = d.tenant_id.or(self.dataverse.tenant_id.take());
            self.dataverse.client_id = d.client_id.or(self.dataverse.client_id.take());
            self.dataverse.client_secret = d.client_secret.or(self.dataverse.client_secret.take());
            set(&mut self.dataverse.authority, d.authority);
        }
        if let Some(e) = file.entra {
            self.entra.client_id = e.client_id.or(self.entra.client_id.take());
            self.entra.client_secret = e.client_secret.or(self.entra.client_secret.take());
            set(&mut self.entra.authority, e.authority);
        }
        Ok(())
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

fn set_secs(slot: &mut Duration, secs: Option<u64>) {
    if let Some(secs) = secs {
        *slot = Duration::from_secs(secs);
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file() {
        let mut config = Config::default();
        config
            .apply_file("listen = \"127.0.0.1:9000\"\n[timeouts]\ninactivity_secs = 60\n")
            .unwrap();
        config
            .apply_env(|name| (name == "DUET_LISTEN").then(|| "127.0.0.1:9100".to_owned()))
            .unwrap();
        assert_eq!(config.listen.port(), 9100);
        assert_eq!(config.timeouts.inactivity, Duration::from_secs(60));
    }

    #[test]
    fn a_bad_variable_names_itself_and_what_to_set() {
        let mut config = Config::default();
        let error = config
            .apply_env(|name| (name == "DUET_AGENT_GRACE_SECS").then(|| "soon".to_owned()))
            .unwrap_err();
        assert!(error.to_string().contains("DUET_AGENT_GRACE_SECS"));
        assert!(error.to_string().contains("whole number of seconds"));
    }

    #[test]
    fn every_surface_is_allowed_unless_the_tenant_narrows_it() {
        let mut config = Config::default();
        assert_eq!(
            config.policy.allowed_surfaces,
            ["monitor", "window", "browser"]
        );
        config
            .apply_env(|name| (name == "DUET_ALLOWED_SURFACES").then(|| "window, browser".into()))
            .unwrap();
        assert_eq!(config.policy.allowed_surfaces, ["window", "browser"]);
        let error = config
            .apply_env(|name| (name == "DUET_ALLOWED_SURFACES").then(|| "screen".into()))
            .unwrap_err();
        let text = format!("{error:#}");
        assert!(text.contains("DUET_ALLOWED_SURFACES"), "{text}");
        assert!(text.contains("monitor, window and/or browser"), "{text}");
    }

    #[test]
    fn unmask_selectors_come_from_the_file_and_then_the_environment() {
        let mut config = Config::default();
        assert!(config.policy.unmask_selectors.is_empty());
        config
            .apply_file("[policy]\nunmask_selectors = [\"#gift-code\"]\n")
            .unwrap();
        assert_eq!(config.policy.unmask_selectors, ["#gift-code"]);
        config
            .apply_env(|name| {
                (name == "DUET_UNMASK_SELECTORS").then(|| "[name=pincode], .order-ref".into())
            })
            .unwrap();
        assert_eq!(
            config.policy.unmask_selectors,
            ["[name=pincode]", ".order-ref"]
        );
    }

    #[test]
    fn entra_sign_in_is_configured_by_client_id_and_secret_and_debug_hides_the_secret() {
        let mut config = Config::default();
        assert!(!config.entra.configured());
        config
            .apply_env(|name| match name {
                "DUET_ENTRA_CLIENT_ID" => Some("app-id".into()),
                "DUET_ENTRA_CLIENT_SECRET" => Some("entra-secret-never-printed".into()),
                _ => None,
            })
            .unwrap();
        assert!(config.entra.configured());
        assert_eq!(config.entra.authority, "https://login.microsoftonline.com");
        let printed = format!("{config:?} {config:#?}");
        assert!(!printed.contains("entra-secret-never-printed"), "{printed}");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused() {
        let mut config = Config::default();
        assert!(config.apply_file("lisen = \"127.0.0.1:9000\"").is_err());
    }
}
