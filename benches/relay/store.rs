//! What the store costs. The relay with the SQLite store and the audit trail on (Duet as it
//! ships) against Duet with `DUET_DATABASE_URL=none`, in one run at one size; and, in this
//! process, the audit records a second the journal sustains into SQLite (and PostgreSQL when
//! `BENCH_POSTGRES_URL` names a server), and the bytes an audited session adds to the database.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use duet::config::Timeouts;
use duet::engine::{Actor, AgentId, EndReason, Role, Sessions, TenantId, Timestamp};
use duet::journal::Journal;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::options::Options;
use crate::runs::{StepRun, Target, relay_step};

/// Sessions whose changes are in flight at once in the audit measure.
const AUDIT_CONCURRENCY: usize = 256;

/// The store's cost, measured in one run.
#[derive(Debug, Clone, Serialize)]
pub struct StoreRun {
    pub sessions: usize,
    pub on: StepRun,
    pub off: StepRun,
    pub audit: Vec<AuditRun>,
}

/// The journal's throughput into one database.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRun {
    pub database: String,
    pub sessions: usize,
    pub records: u64,
    pub secs: f64,
    pub records_per_sec: f64,
    pub records_per_session: f64,
    pub bytes_per_session: f64,
}

/// Runs the relay step with the store on and off, then the audit measures.
pub async fn measure(options: &Options) -> anyhow::Result<StoreRun> {
    let n = options.store_sessions;
    eprintln!("store: {n} sessions with the store on, then off");
    let on = relay_step(Target::Duet, n, options).await?;
    let off = relay_step(Target::DuetStoreOff, n, options).await?;
    let mut audit = vec![sqlite_audit(options.audit_sessions).await?];
    if let Ok(url) = std::env::var("BENCH_POSTGRES_URL") {
        audit.push(postgres_audit(&url, options.audit_sessions).await?);
    }
    Ok(StoreRun {
        sessions: n,
        on,
        off,
        audit,
    })
}

async fn sqlite_audit(sessions: usize) -> anyhow::Result<AuditRun> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("duet.db").display());
    let before = sqlite_bytes(&url).await?;
    let mut run = audit_run(&url, sessions).await?;
    let grown = sqlite_bytes(&url).await?.saturating_sub(before);
    run.database = "SQLite (file, WAL, synchronous=FULL)".into();
    run.bytes_per_session = grown as f64 / sessions as f64;
    Ok(run)
}

/// The database file's size with its write-ahead log folded in.
async fn sqlite_bytes(url: &str) -> anyhow::Result<u64> {
    let _ = duet::store::open(url)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let pool = sqlx::SqlitePool::connect(url).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await?;
    pool.close().await;
    let path = url.trim_start_matches("sqlite://");
    Ok(std::fs::metadata(path)?.len())
}

async fn postgres_audit(server: &str, sessions: usize) -> anyhow::Result<AuditRun> {
    let admin = sqlx::PgPool::connect(server)
        .await
        .context("BENCH_POSTGRES_URL")?;
    let name = format!("duet_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await?;
    let url = match server.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => anyhow::bail!("BENCH_POSTGRES_URL needs a database part"),
    };
    let size = "SELECT pg_database_size(current_database())";
    let before: i64 = {
        let _ = duet::store::open(&url)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let pool = sqlx::PgPool::connect(&url).await?;
        let bytes = sqlx::query_scalar(size).fetch_one(&pool).await?;
        pool.close().await;
        bytes
    };
    let mut run = audit_run(&url, sessions).await?;
    let pool = sqlx::PgPool::connect(&url).await?;
    let after: i64 = sqlx::query_scalar(size).fetch_one(&pool).await?;
    pool.close().await;
    let drop = format!("DROP DATABASE {name} WITH (FORCE)");
    sqlx::query(&drop).execute(&admin).await?;
    run.database = "PostgreSQL".into();
    run.bytes_per_session = (after - before).max(0) as f64 / sessions as f64;
    Ok(run)
}

/// `sessions` whole co-browse sessions (start, join, control asked, approved, revoked, ended)
/// through the real registry and journal into `url`, `AUDIT_CONCURRENCY` at a time.
async fn audit_run(url: &str, sessions: usize) -> anyhow::Result<AuditRun> {
    let store = duet::store::open(url)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (journal, _writer) = Journal::start(store);
    let registry = Arc::new(Sessions::new(Arc::new(journal), Timeouts::default()));
    let permits = Arc::new(Semaphore::new(AUDIT_CONCURRENCY));
    let began = Instant::now();
    let mut tasks = JoinSet::new();
    for index in 0..sessions {
        let (registry, permits) = (registry.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire().await?;
            one_session(&registry, index).await
        });
    }
    let mut records = 0;
    while let Some(done) = tasks.join_next().await {
        records += done.context("a session task panicked")??;
    }
    let secs = began.elapsed().as_secs_f64();
    Ok(AuditRun {
        database: String::new(),
        sessions,
        records,
        secs,
        records_per_sec: records as f64 / secs,
        records_per_session: records as f64 / sessions as f64,
        bytes_per_session: 0.0,
    })
}

async fn one_session(registry: &Sessions, index: usize) -> anyhow::Result<u64> {
    let now = Timestamp::from_unix_millis(1_796_205_600_000);
    let conversation = Some(format!("conversation-{index}"));
    let id = registry
        .create(TenantId::default(), conversation, now)
        .await?;
    let agent = AgentId(format!("bench:{index}"));
    registry
        .join(id, &duet::engine::TenantId::default(), &agent, "Agent", now)
        .await?;
    let cell = registry.get(id).context("the session just made")?;
    registry.request_control(&cell, &agent, now).await?;
    registry.answer_control(&cell, true, now).await?;
    registry.revoke_control(&cell, &Role::Customer, now).await;
    registry
        .end(id, EndReason::CustomerExit, Actor::customer(), now)
        .await;
    Ok(6)
}
