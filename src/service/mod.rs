//! The running service without its HTTP: the store opened, the journal started, the token key
//! loaded, sessions and shares read back and resumed, and the work in the background (time
//! limits, heartbeats that keep activity, audit retention). `web::Server` serves on top of it.

mod background;
mod cluster;
mod health;
mod resume;
mod tally;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rand::RngCore;
use secrecy::SecretString;

use crate::config::Config;
use crate::engine::{Clock, EventSink, Sessions, SharedTally, Shares, TapeDeck, TenantId};
use crate::journal::Journal;
use crate::store::Store;
use crate::tenant::TenantSettings;
use crate::tenant::directory::Directory;
use crate::tenant::registry::Registry;

pub use background::{Background, prune};
pub use cluster::{Cluster, LEASE, Target, Whereabouts};
pub use health::{READY_TIMEOUT, Readiness};
pub use tally::StoreTally;

/// The name a single node's heartbeat is kept under (a cluster's nodes have their own).
pub const NODE: &str = "duet";
/// The recordings' directory under the data directory.
pub const RECORDINGS_DIR: &str = "recordings";
/// The stored secret that signs tokens, unless `DUET_TOKEN_SECRET` is set.
pub const TOKEN_KEY: &str = "token_signing_key";

/// Everything the service runs on, built once at start-up.
#[derive(Clone)]
pub struct Service {
    /// The durable store.
    pub store: Arc<dyn Store>,
    /// Where every engine event goes.
    pub sink: Arc<dyn EventSink>,
    /// Co-browse sessions.
    pub sessions: Arc<Sessions>,
    /// Screen shares.
    pub shares: Arc<Shares>,
    /// Tenants' settings.
    pub tenants: TenantSettings,
    /// The registered tenants (`duet tenant add`), refreshed in the background.
    pub directory: Arc<Directory>,
    /// The tenant this Duet serves.
    pub tenant_id: TenantId,
    /// Wall-clock time off tokio's clock.
    pub clock: Clock,
    /// The key that signs tokens.
    pub token_key: SecretString,
    /// How long audit records are kept; `None` keeps them forever.
    pub audit_retention: Option<Duration>,
    /// Where session recordings are kept; `None` when nothing is kept (`DUET_DATABASE_URL=none`).
    pub recordings: Option<std::path::PathBuf>,
    /// How long recordings are kept; `None` keeps them forever.
    pub recording_retention: Option<Duration>,
    /// The page assets sessions' mirrors load through Duet.
    pub page_assets: Arc<crate::assets::PageAssets>,
    /// This node's part in a cluster; `None` for a single node.
    pub cluster: Option<Cluster>,
    /// The metrics `GET /metrics` renders.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Service { .. }")
    }
}

impl Service {
    /// Opens the store, starts the journal, loads the token key, and resumes what was live.
    pub async fn start(config: &Config) -> anyhow::Result<Self> {
        let url = config.database_url();
        let keep_nothing = url == crate::config::NO_STORE;
        let opened = if keep_nothing {
            "sqlite::memory:"
        } else {
            url.as_str()
        };
        let store = crate::store::open(opened)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        let sink: Arc<dyn EventSink> = if keep_nothing {
            tracing::warn!(
                "DUET_DATABASE_URL=none: no audit trail is written and nothing is kept across a restart"
            );
            Arc::new(crate::journal::Discard)
        } else {
            Arc::new(Journal::start(store.clone()).0)
        };
        let cluster = join_cluster(config, &*store).await?;
        let token_key = token_key(config, &*store).await?;
        let directory = Directory::load(Registry::new(store.clone()))
            .await
            .context("reading the registered tenants from Duet's database")?;
        let clock = Clock::system();
        let directory = Arc::new(directory);
        let recordings = (!keep_nothing).then(|| config.data_dir.join(RECORDINGS_DIR));
        let mut sessions = Sessions::new(sink.clone(), config.timeouts.clone());
        if let Some(dir) = &recordings {
            let built_in = config.policy.record_sessions;
            let tenants = directory.clone();
            let (deck, taped) = TapeDeck::new(Arc::new(move |tenant| {
                tenants
                    .policy_of(tenant)
                    .map_or(built_in, |policy| policy.record_sessions)
            }));
            crate::recording::spawn_writer(dir.clone(), taped)
                .with_context(|| format!("making the recordings directory {}", dir.display()))?;
            sessions = sessions.with_tapes(deck);
        }
        let service = Self {
            sessions: Arc::new(sessions),
            shares: Arc::new(Shares::new(sink.clone(), config.timeouts.clone())),
            tenants: TenantSettings::new(store.clone()),
            directory,
            tenant_id: TenantId::default(),
            audit_retention: retention(config.audit_retention_days),
            recording_retention: retention(config.recording_retention_days),
            recordings,
            page_assets: Arc::new(crate::assets::PageAssets::new(
                crate::assets::CacheLimits::default(),
            )),
            metrics: Arc::default(),
            store,
            sink,
            clock,
            token_key,
            cluster,
        };
        resume::resume(&service)
            .await
            .context("reading back the sessions that were live when Duet last stopped")?;
        let now = service.clock.now();
        let imported = service
            .tenants
            .import_legacy_bookmarks(&service.tenant_id, &config.data_dir, now)
            .await
            .context("moving bookmarks.json from the data directory into Duet's database")?;
        if imported {
            tracing::info!("moved the bookmarks of bookmarks.json into Duet's database");
        }
        Ok(service)
    }

    /// The token key's bytes, for keys derived from it (the mirror's asset addresses).
    pub fn token_key_bytes(&self) -> &[u8] {
        use secrecy::ExposeSecret;
        self.token_key.expose_secret().as_bytes()
    }

    /// Where the guessing rate limits count so every node sees them: the store when it is
    /// PostgreSQL (nodes may share it), `None` (each node's memory) for SQLite, which one node
    /// owns.
    pub fn shared_tally(&self) -> Option<Arc<dyn SharedTally>> {
        (self.store.dialect() == "postgres").then(|| {
            Arc::new(StoreTally::new(self.store.clone(), self.clock)) as Arc<dyn SharedTally>
        })
    }

    /// Starts the time limits, the heartbeat and audit retention; they stop with the handle.
    pub fn run_in_background(&self) -> Background {
        Background::start(self.clone())
    }
}

/// With `DUET_BUS_URL`, joins the cluster on the bus as a node of its own name, whose creations
/// the store marks as held by it.
async fn join_cluster(config: &Config, store: &dyn Store) -> anyhow::Result<Option<Cluster>> {
    let Some(url) = &config.bus_url else {
        return Ok(None);
    };
    anyhow::ensure!(
        store.dialect() == "postgres",
        "DUET_BUS_URL makes this a node of a cluster, whose nodes share one PostgreSQL: set DUET_DATABASE_URL=postgres://…, or unset DUET_BUS_URL to run a single node"
    );
    let node = config.node_name.clone().unwrap_or_else(|| {
        let mut suffix = [0u8; 4];
        rand::rng().fill_bytes(&mut suffix);
        format!("node-{}", hex::encode(suffix))
    });
    let bus = crate::bus::Bus::connect(url, &node).await?;
    store.hold_as(&node);
    tracing::info!(node = %node, "joined the cluster");
    Ok(Some(Cluster::new(bus)))
}

/// `DUET_TOKEN_SECRET`, or the key kept in the store (made on first start), so a restart keeps
/// every token valid.
async fn token_key(config: &Config, store: &dyn Store) -> anyhow::Result<SecretString> {
    if let Some(secret) = &config.token_secret {
        return Ok(secret.clone());
    }
    let mut candidate = [0u8; 32];
    rand::rng().fill_bytes(&mut candidate);
    let key = store
        .secret_or_insert(TOKEN_KEY, hex::encode(candidate).as_bytes())
        .await
        .context("reading the token-signing key from Duet's database")?;
    let text = String::from_utf8(key).context(
        "the stored token-signing key is not text: delete it from the secrets table and restart",
    )?;
    Ok(SecretString::from(text))
}

fn retention(days: u32) -> Option<Duration> {
    (days > 0).then(|| Duration::from_secs(u64::from(days) * 24 * 3600))
}
