//! The measured runs: one relay step against Duet or the bare relay, and the memory run
//! (idle sessions, then a soak sampled every few seconds).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::load::{self, LoadStats, Pair};
use crate::options::Options;
use crate::procs::Server;
use crate::recording::{Recorded, recorded};
use crate::stats::rss_kib;
use crate::{baseline, duet};
use ::duet::service::RECORDINGS_DIR;

/// Sessions opened at once while setting up.
const SETUP_CONCURRENCY: usize = 32;
/// Time allowed on top of the planned run before a server child stops itself.
const SERVER_SLACK: Duration = Duration::from_secs(300);

/// The server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Duet as it ships: the SQLite store, the audit trail and session recordings on.
    Duet,
    /// Duet with `DUET_DATABASE_URL=none`: no store, no audit trail, no recordings.
    DuetStoreOff,
    /// Duet with `DUET_RECORD_SESSIONS=false`: the store on, nothing recorded.
    DuetRecordingOff,
    Bare,
}

impl Target {
    fn start(self, options: &Options, run: Duration) -> anyhow::Result<Server> {
        let bin = &options.duet_bin;
        match self {
            Target::Duet => Server::duet(bin, run + SERVER_SLACK, &[]),
            Target::DuetStoreOff => {
                Server::duet(bin, run + SERVER_SLACK, &[("DUET_DATABASE_URL", "none")])
            }
            Target::DuetRecordingOff => Server::duet(
                bin,
                run + SERVER_SLACK,
                &[("DUET_RECORD_SESSIONS", "false")],
            ),
            Target::Bare => Server::baseline(run + SERVER_SLACK),
        }
    }
}

/// One relay step against one target.
#[derive(Debug, Clone, Serialize)]
pub struct StepRun {
    pub target: Target,
    pub setup_secs: f64,
    pub server_rss_kib_end: u64,
    /// What Duet's recordings directory held after the load (none for the bare relay).
    pub recorded: Option<Recorded>,
    #[serde(flatten)]
    pub load: LoadStats,
}

/// Opens `n` sessions against `target` at `addr`, a few at a time.
pub async fn open_pairs(target: Target, addr: SocketAddr, n: usize) -> anyhow::Result<Vec<Pair>> {
    let permits = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let api = duet::Api::new(addr);
    let mut tasks = JoinSet::new();
    for index in 0..n {
        let (permits, api) = (permits.clone(), api.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire().await?;
            match target {
                Target::Duet | Target::DuetStoreOff | Target::DuetRecordingOff => {
                    api.open_pair(index).await
                }
                Target::Bare => baseline::open_pair(addr, index).await,
            }
        });
    }
    let mut pairs = Vec::with_capacity(n);
    while let Some(done) = tasks.join_next().await {
        pairs.push(done.context("a setup task panicked")??);
    }
    Ok(pairs)
}

/// Starts `target`, opens `n` sessions, runs the paced load, stops the server.
pub async fn relay_step(target: Target, n: usize, options: &Options) -> anyhow::Result<StepRun> {
    let server = target.start(options, options.warmup() + options.duration())?;
    let began = Instant::now();
    let opened = open_pairs(target, server.addr, n).await;
    let setup_secs = began.elapsed().as_secs_f64();
    let pairs = match opened {
        Ok(pairs) => pairs,
        Err(error) => {
            stop(server).await;
            return Err(error.context(format!("opening {n} sessions on {target:?}")));
        }
    };
    let load = load::run(pairs, options.warmup(), options.duration(), server.pid).await;
    let server_rss_kib_end = rss_kib(server.pid).unwrap_or(0);
    let recordings = server.data_dir().map(|dir| dir.join(RECORDINGS_DIR));
    let recorded = match recordings {
        Some(dir) => tokio::task::spawn_blocking(move || recorded(&dir))
            .await
            .ok(),
        None => None,
    };
    stop(server).await;
    Ok(StepRun {
        target,
        setup_secs,
        server_rss_kib_end,
        recorded,
        load,
    })
}

async fn stop(server: Server) {
    let _ = tokio::task::spawn_blocking(move || server.stop()).await;
}

/// Idle memory per session of one target.
#[derive(Debug, Clone, Serialize)]
pub struct IdleMemory {
    pub target: Target,
    pub sessions: usize,
    pub rss_kib_before: u64,
    pub rss_kib_idle: u64,
    pub kib_per_session: f64,
}

/// The memory run: idle sessions, then (Duet only) the soak over the same sessions.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryRun {
    pub idle: Vec<IdleMemory>,
    /// (seconds into the soak, Duet's RSS in KiB).
    pub soak_samples: Vec<(f64, u64)>,
    pub soak: Option<LoadStats>,
}

/// Measures idle memory of both targets and soaks Duet.
pub async fn memory(options: &Options) -> anyhow::Result<MemoryRun> {
    let n = options.memory_sessions;
    let soak = Duration::from_secs(options.soak_secs);
    let (duet_idle, pairs, server) = idle(Target::Duet, n, options, soak).await?;
    let sampler = tokio::spawn(sample_rss(server.pid, soak, options.sample_secs));
    let stats = load::run(pairs, Duration::ZERO, soak, server.pid).await;
    let soak_samples = sampler.await.unwrap_or_default();
    stop(server).await;
    let (bare_idle, pairs, server) = idle(Target::Bare, n, options, Duration::ZERO).await?;
    drop(pairs);
    stop(server).await;
    Ok(MemoryRun {
        idle: vec![duet_idle, bare_idle],
        soak_samples,
        soak: Some(stats),
    })
}

async fn idle(
    target: Target,
    n: usize,
    options: &Options,
    then: Duration,
) -> anyhow::Result<(IdleMemory, Vec<Pair>, Server)> {
    let server = target.start(options, then)?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_kib_before = rss_kib(server.pid).unwrap_or(0);
    let pairs = open_pairs(target, server.addr, n).await?;
    // Let closed HTTP connections and the allocator settle before reading.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_kib_idle = rss_kib(server.pid).unwrap_or(0);
    let memory = IdleMemory {
        target,
        sessions: n,
        rss_kib_before,
        rss_kib_idle,
        kib_per_session: rss_kib_idle.saturating_sub(rss_kib_before) as f64 / n as f64,
    };
    Ok((memory, pairs, server))
}

async fn sample_rss(pid: u32, soak: Duration, every_secs: u64) -> Vec<(f64, u64)> {
    let began = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(every_secs));
    let mut samples = Vec::new();
    while began.elapsed() < soak {
        tick.tick().await;
        if let Some(rss) = rss_kib(pid) {
            samples.push((began.elapsed().as_secs_f64(), rss));
        }
    }
    samples
}
