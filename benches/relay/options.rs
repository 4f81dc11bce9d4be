//! Command-line flags and `BENCH_*` variables; `--quick` picks small sizes for smoke runs.

use std::time::Duration;

use anyhow::{Context, bail};
use serde::Serialize;

/// What to run and how big.
#[derive(Debug, Clone, Serialize)]
pub struct Options {
    pub quick: bool,
    /// Session counts of the relay steps.
    pub sessions: Vec<usize>,
    /// Measured time per relay step.
    pub duration_secs: u64,
    /// Load before measuring starts, per step.
    pub warmup_secs: u64,
    /// Sessions for the idle-memory measure and the soak.
    pub memory_sessions: usize,
    pub soak_secs: u64,
    pub sample_secs: u64,
    pub duet_bin: String,
    pub out_dir: String,
    /// Results are written to `<out_dir>/<name>.md` and `.json`.
    pub name: String,
    pub relay: bool,
    pub memory: bool,
    /// Whether to measure the store's cost.
    pub store: bool,
    /// Sessions of the relay step run with the store on and off.
    pub store_sessions: usize,
    /// Whole sessions put through the journal to measure audit records a second.
    pub audit_sessions: usize,
    /// Whether to measure what recording sessions costs the relay.
    pub recording: bool,
    /// Sessions of the relay step run with recording on and off.
    pub recording_sessions: usize,
    /// Whether to measure several nodes: instructions per frame and failover.
    pub cluster: bool,
}

const HELP: &str = "relay bench: [--quick] [--sessions 500,1000] [--duration-secs 10] \
[--warmup-secs 2] [--memory-sessions 1000] [--soak-secs 600] [--sample-secs 5] [--out DIR] \
[--name NAME] [--no-relay] [--no-memory] [--no-store] [--store-sessions 1000] \
[--audit-sessions 20000] [--no-recording] [--recording-sessions 1000] [--no-cluster]; BENCH_POSTGRES_URL adds PostgreSQL to the audit measure and is the cluster's (else 127.0.0.1:5432), BENCH_NATS_URL its bus (else 127.0.0.1:4222); DUET_BIN, BENCH_SESSIONS, BENCH_DURATION_SECS, \
BENCH_MEMORY_SESSIONS, BENCH_SOAK_SECS also set them";

impl Options {
    /// Reads the flags, over `BENCH_*` variables, over the defaults.
    pub fn parse(args: &[String]) -> anyhow::Result<Self> {
        let quick = args.iter().any(|a| a == "--quick");
        let mut options = Self::defaults(quick);
        options.apply_env()?;
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            let mut value = || rest.next().with_context(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--quick" => {}
                "--sessions" => options.sessions = list(value()?)?,
                "--duration-secs" => options.duration_secs = value()?.parse()?,
                "--warmup-secs" => options.warmup_secs = value()?.parse()?,
                "--memory-sessions" => options.memory_sessions = value()?.parse()?,
                "--soak-secs" => options.soak_secs = value()?.parse()?,
                "--sample-secs" => options.sample_secs = value()?.parse()?,
                "--out" => options.out_dir = value()?.clone(),
                "--name" => options.name = value()?.clone(),
                "--no-relay" => options.relay = false,
                "--no-memory" => options.memory = false,
                "--no-store" => options.store = false,
                "--store-sessions" => options.store_sessions = value()?.parse()?,
                "--audit-sessions" => options.audit_sessions = value()?.parse()?,
                "--no-recording" => options.recording = false,
                "--recording-sessions" => options.recording_sessions = value()?.parse()?,
                "--no-cluster" => options.cluster = false,
                _ => bail!("unknown flag {flag}; {HELP}"),
            }
        }
        options.sample_secs = options.sample_secs.max(1);
        Ok(options)
    }

    fn defaults(quick: bool) -> Self {
        Self {
            quick,
            sessions: if quick {
                vec![50, 200]
            } else {
                vec![500, 1000, 2000, 3000]
            },
            duration_secs: if quick { 3 } else { 10 },
            warmup_secs: if quick { 1 } else { 2 },
            memory_sessions: if quick { 200 } else { 1000 },
            soak_secs: if quick { 20 } else { 600 },
            sample_secs: if quick { 2 } else { 5 },
            duet_bin: std::env::var("DUET_BIN").unwrap_or_else(|_| "target/release/duet".into()),
            out_dir: "bench/results".into(),
            name: if quick { "relay-quick" } else { "relay" }.into(),
            relay: true,
            memory: true,
            store: true,
            store_sessions: if quick { 200 } else { 1000 },
            audit_sessions: if quick { 2000 } else { 20_000 },
            recording: true,
            recording_sessions: if quick { 200 } else { 1000 },
            cluster: true,
        }
    }

    fn apply_env(&mut self) -> anyhow::Result<()> {
        let var = |name: &str| std::env::var(name).ok();
        if let Some(v) = var("BENCH_SESSIONS") {
            self.sessions = list(&v)?;
        }
        if let Some(v) = var("BENCH_DURATION_SECS") {
            self.duration_secs = v.parse().context("BENCH_DURATION_SECS")?;
        }
        if let Some(v) = var("BENCH_MEMORY_SESSIONS") {
            self.memory_sessions = v.parse().context("BENCH_MEMORY_SESSIONS")?;
        }
        if let Some(v) = var("BENCH_SOAK_SECS") {
            self.soak_secs = v.parse().context("BENCH_SOAK_SECS")?;
        }
        Ok(())
    }

    /// Measured time per relay step.
    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.duration_secs)
    }

    /// Warm-up per relay step.
    pub fn warmup(&self) -> Duration {
        Duration::from_secs(self.warmup_secs)
    }
}

fn list(text: &str) -> anyhow::Result<Vec<usize>> {
    let counts: Vec<usize> = text
        .split(',')
        .map(|n| n.trim().replace('_', "").parse())
        .collect::<Result<_, _>>()
        .with_context(|| format!("{text:?} is not a list of session counts like 500,1000"))?;
    if counts.is_empty() || counts.contains(&0) {
        bail!("session counts must be positive");
    }
    Ok(counts)
}
