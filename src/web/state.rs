//! `AppState`: everything handlers share, built once at start-up.

use std::sync::Arc;

use crate::config::{Config, PolicySettings};
use crate::identity::Entra;
use secrecy::SecretString;

use crate::service::Service;

use super::limits::Limits;
use super::protocol::IceServer;
use super::signin::{AgentSignIn, DevSignIn};
use super::tokens::Tokens;

/// Shared by every handler; cheap to clone: the service, and what only the web layer needs.
#[derive(Clone)]
pub struct AppState {
    /// The running service: registries, clock, sink, store, tenant settings.
    pub service: Service,
    /// The administrator's key for tenant settings and the audit trail; unset refuses both.
    pub admin_key: Option<SecretString>,
    /// Token signing and checking.
    pub tokens: Arc<Tokens>,
    /// How agents sign in.
    pub signin: Arc<dyn AgentSignIn>,
    /// Whether the development sign-in is on (the console shows its form).
    pub dev_signin: bool,
    /// Sign-in with Microsoft Entra ID, when configured.
    pub entra: Option<Arc<Entra>>,
    /// Settings the handlers read.
    pub settings: Arc<Settings>,
    /// Rate limits on the endpoints an attacker would hammer.
    pub limits: Arc<Limits>,
    /// Cancelled when this node starts to stop: its sockets are told to reconnect elsewhere.
    pub stopping: tokio_util::sync::CancellationToken,
}

/// The parts of the configuration the service reads per request.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Duet's own origin, as browsers reach it, e.g. `http://127.0.0.1:8080`.
    pub public_origin: String,
    /// Other origins allowed to start customer sessions.
    pub allowed_origins: Vec<String>,
    /// Dynamics org origins allowed to frame the console (besides registered tenants' orgs).
    pub org_origins: Vec<String>,
    /// The tenant policy pushed to the customer's script.
    pub policy: PolicySettings,
    /// Largest WebSocket message accepted.
    pub max_message_bytes: usize,
    /// How long the customer has to answer a control request, in milliseconds.
    pub control_request_ms: u64,
    /// How long the customer has to accept a screen share, in seconds.
    pub screenshare_accept_secs: u64,
    /// STUN/TURN URLs handed to both sides of a screen share.
    pub ice_servers: Vec<IceServer>,
    /// Load balancers whose `X-Forwarded-For` names the client (`DUET_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<crate::config::TrustedProxy>,
}

impl Settings {
    /// Whether a browser on `origin` may start customer sessions.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        origin == self.public_origin || self.allowed_origins.iter().any(|allowed| allowed == origin)
    }
}

impl AppState {
    /// The masking and control policy of `tenant`'s sessions: its own, else the built-in one.
    pub fn policy_for(&self, tenant: &crate::engine::TenantId) -> PolicySettings {
        self.service
            .directory
            .policy_of(tenant)
            .unwrap_or_else(|| self.settings.policy.clone())
    }

    /// The STUN/TURN servers of `tenant`'s screen shares: its own, else the built-in ones.
    pub fn ice_servers_for(&self, tenant: &crate::engine::TenantId) -> Vec<IceServer> {
        match self.service.directory.ice_servers_of(tenant) {
            Some(urls) => urls.into_iter().map(|urls| IceServer { urls }).collect(),
            None => self.settings.ice_servers.clone(),
        }
    }

    /// The state for a service reachable at `public_origin`, on top of the running `service`.
    pub fn new(
        config: &Config,
        service: &Service,
        public_origin: String,
        listening_on_loopback: bool,
    ) -> anyhow::Result<Self> {
        // The registered tenants (`duet tenant add`) are the ones whose users may sign in.
        let tenants = service.directory.clone();
        let redirect_uri = format!("{public_origin}/auth/callback");
        let entra = Entra::new(&config.entra, redirect_uri, tenants)?.map(Arc::new);
        let dev = match entra {
            Some(_) => DevSignIn::replaced_by_entra(),
            None => DevSignIn::new(config.dev_signin, listening_on_loopback),
        };
        Ok(Self {
            service: service.clone(),
            admin_key: config.admin_key.clone(),
            tokens: Arc::new(Tokens::new(Some(&service.token_key))),
            dev_signin: dev.enabled(),
            signin: Arc::new(dev),
            entra,
            limits: Arc::new(Limits::new(
                config.joins_per_address_per_minute,
                service.shared_tally(),
            )),
            stopping: tokio_util::sync::CancellationToken::new(),
            settings: Arc::new(Settings::new(config, public_origin)),
        })
    }
}

impl Settings {
    fn new(config: &Config, public_origin: String) -> Self {
        let control_request_ms =
            u64::try_from(config.timeouts.control_request.as_millis()).unwrap_or(u64::MAX);
        Self {
            public_origin,
            allowed_origins: config.allowed_origins.clone(),
            org_origins: config
                .org_origins
                .iter()
                .map(|origin| origin.trim().trim_end_matches('/').to_owned())
                .collect(),
            policy: config.policy.clone(),
            max_message_bytes: config.max_message_bytes,
            screenshare_accept_secs: config.timeouts.screenshare_accept.as_secs(),
            ice_servers: config
                .ice_servers
                .iter()
                .map(|urls| IceServer { urls: urls.clone() })
                .collect(),
            control_request_ms,
            trusted_proxies: config.trusted_proxies.clone(),
        }
    }
}
