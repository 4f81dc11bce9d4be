//! What several nodes cost (#16). CPU instructions per relayed frame, counted (`counting.rs`) on
//! the server processes while a fixed number of page frames crosses one session (instruction
//! counts do not swing with a shared machine's load as wall-clock does): Duet as one node, Duet
//! as two nodes on one PostgreSQL and one NATS (customer on one node, agent on the other; the
//! NATS server counted apart), and the bare tokio-tungstenite relay. And failover: from `kill -9`
//! of the node holding a session (its customer's) to the agent, reconnected, seeing the
//! customer's next frame through the other node.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;

use crate::counting::Counter;
use crate::duet::{Api, wait_for};
use crate::load::Pair;
use crate::options::Options;
use crate::procs::Server;

/// Frames in flight at once (below Duet's 256-frame queue, so none is dropped for a resync).
const WINDOW: usize = 64;
/// Failover rounds.
const ROUNDS: usize = 3;
/// The local servers used when no URL is given.
const LOCAL_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const LOCAL_NATS: &str = "nats://127.0.0.1:4222";

/// What the cluster bench measured.
#[derive(Debug, Serialize)]
pub struct ClusterRun {
    /// Frames relayed per count.
    pub frames: usize,
    /// Instructions per frame: Duet on one node.
    pub single: Option<f64>,
    /// Instructions per frame: both Duet nodes together.
    pub cluster: Option<f64>,
    /// Instructions per frame: the NATS server, apart.
    pub nats: Option<f64>,
    /// Instructions per frame: the bare relay.
    pub bare: Option<f64>,
    /// Milliseconds from `kill -9` to the agent's next frame, per round.
    pub failover_ms: Vec<u64>,
    /// Why a part was not measured.
    pub skipped: Vec<String>,
    /// How instructions were counted (`perf stat`, `callgrind`).
    pub counted_by: Option<&'static str>,
}

/// Runs every part it can; a part that cannot run (no perf, no PostgreSQL, no NATS) says why.
pub async fn measure(options: &Options) -> anyhow::Result<ClusterRun> {
    let scratch = tempfile::tempdir()?;
    let counter = Counter::find(scratch.path());
    let frames = match (&counter, options.quick) {
        (Some(Counter::Callgrind(_)), _) => 2_000,
        (_, true) => 5_000,
        _ => 20_000,
    };
    let mut run = ClusterRun {
        frames,
        single: None,
        cluster: None,
        nats: None,
        bare: None,
        failover_ms: Vec::new(),
        skipped: Vec::new(),
        counted_by: counter.as_ref().map(Counter::name),
    };
    let max = Duration::from_secs(1200);
    match &counter {
        Some(counter) => {
            let wrapper = counter.wrapper();
            let single = Server::duet_under(&wrapper, &options.duet_bin, max, &[])?;
            let api = Api::new(single.addr);
            let pair = api.open_across(&api, 0).await?.pair;
            run.single = Some(per_frame(counter, &[single.pid], pair, frames, true).await?);
            single.stop();
            let bare = Server::baseline_under(&wrapper, max)?;
            let pair = crate::baseline::open_pair(bare.addr, 0).await?;
            run.bare = Some(per_frame(counter, &[bare.pid], pair, frames, false).await?);
            bare.stop();
        }
        None => run
            .skipped
            .push("instructions: neither perf stat nor valgrind counts here".into()),
    }
    match Shared::prepare().await {
        Ok(shared) => {
            let measured = cluster_parts(options, &shared, &mut run, counter.as_ref()).await;
            shared.drop_database().await;
            measured?;
        }
        Err(why) => run.skipped.push(format!("two nodes: {why}")),
    }
    Ok(run)
}

async fn cluster_parts(
    options: &Options,
    shared: &Shared,
    run: &mut ClusterRun,
    counter: Option<&Counter>,
) -> anyhow::Result<()> {
    if let Some(counter) = counter {
        let wrapper = counter.wrapper();
        let a = shared.node_under(&wrapper, options, "bench-a")?;
        let b = shared.node_under(&wrapper, options, "bench-b")?;
        let (api_a, api_b) = (Api::new(a.addr), Api::new(b.addr));
        let pair = api_a.open_across(&api_b, 1).await?.pair;
        // perf can count the NATS server too; callgrind only what it started.
        let nats = nats_pid().filter(|_| matches!(counter, Counter::Perf));
        let mut pids = vec![a.pid, b.pid];
        pids.extend(nats);
        let counts = counter.count(&pids, relay(pair, run.frames, true)).await?;
        let per = |sum: u64| sum as f64 / run.frames as f64;
        run.cluster = Some(per(counts.iter().take(2).sum()));
        run.nats = nats.map(|_| per(counts.iter().skip(2).sum()));
        a.stop();
        b.stop();
    }
    let b = shared.node(options, "bench-b2")?;
    let api_b = Api::new(b.addr);
    for round in 0..ROUNDS {
        let holder = shared.node(options, &format!("bench-f{round}"))?;
        let api_holder = Api::new(holder.addr);
        let opened = api_holder.open_across(&api_b, 10 + round).await?;
        run.failover_ms
            .push(failover(holder, &api_b, opened).await?);
    }
    b.stop();
    Ok(())
}

/// Kills the holder and times the agent's next frame once both have reconnected to `other`.
async fn failover(holder: Server, other: &Api, opened: crate::duet::Opened) -> anyhow::Result<u64> {
    let Pair {
        publisher: mut customer,
        subscriber: mut agent,
    } = opened.pair;
    send_dom(&mut customer, true, "before").await?;
    wait_for_text(&mut agent, "before").await?;
    let killed = Instant::now();
    Command::new("kill")
        .args(["-9", &holder.pid.to_string()])
        .status()?;
    drop(customer);
    while let Some(Ok(message)) = agent.next().await {
        if message.is_close() {
            break;
        }
    }
    let mut customer = other.socket(&opened.customer_token).await?;
    let mut agent = other.socket(&opened.agent_token).await?;
    wait_for(&mut customer, "snapshot_needed").await?;
    send_dom(&mut customer, true, "after").await?;
    wait_for_text(&mut agent, "after").await?;
    let elapsed = killed.elapsed().as_millis() as u64;
    holder.stop();
    Ok(elapsed)
}

/// Instructions per frame of `pids` while `frames` page frames cross `pair`.
async fn per_frame(
    counter: &Counter,
    pids: &[u32],
    pair: Pair,
    frames: usize,
    duet: bool,
) -> anyhow::Result<f64> {
    let counts = counter.count(pids, relay(pair, frames, duet)).await?;
    Ok(counts.iter().sum::<u64>() as f64 / frames as f64)
}

/// Sends `frames` page frames through `pair`, at most `WINDOW` unread, after a full snapshot
/// when `duet` (Duet relays nothing before one).
async fn relay(pair: Pair, frames: usize, duet: bool) -> anyhow::Result<()> {
    let Pair {
        mut publisher,
        mut subscriber,
    } = pair;
    if duet {
        send_dom(&mut publisher, true, "snapshot").await?;
        wait_for_text(&mut subscriber, "snapshot").await?;
    }
    let window = Arc::new(Semaphore::new(WINDOW));
    let reader_window = window.clone();
    let reader = tokio::spawn(async move {
        let mut seen = 0;
        while seen < frames {
            match tokio::time::timeout(Duration::from_secs(20), subscriber.next()).await {
                Ok(Some(Ok(message))) if message.is_text() || message.is_binary() => {
                    if message.to_text().is_ok_and(|text| text.contains("\"dom\"")) {
                        seen += 1;
                        reader_window.add_permits(1);
                    }
                }
                Ok(Some(Ok(_))) => {}
                _ => bail!("the agent stopped receiving after {seen} of {frames} frames"),
            }
        }
        Ok(())
    });
    for n in 0..frames {
        window.acquire().await?.forget();
        send_dom(&mut publisher, false, &format!("frame {n}")).await?;
    }
    reader.await??;
    Ok(())
}

async fn send_dom(ws: &mut crate::load::Ws, full: bool, name: &str) -> anyhow::Result<()> {
    let filler = "x".repeat(480);
    let text = serde_json::json!({
        "type": "dom", "full": full,
        "events": [{"type": 3, "n": name, "text": filler}],
    });
    ws.send(Message::text(text.to_string())).await?;
    Ok(())
}

async fn wait_for_text(ws: &mut crate::load::Ws, needle: &str) -> anyhow::Result<()> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) if text.contains(needle) => return Ok(()),
            Ok(Some(Ok(_))) => {}
            other => bail!("no frame with {needle:?}: {other:?}"),
        }
    }
}

/// The NATS server's pid, when one runs here.
fn nats_pid() -> Option<u32> {
    let out = Command::new("pgrep")
        .args(["-x", "nats-server"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// The PostgreSQL database and NATS server the nodes share.
struct Shared {
    server_url: String,
    database: String,
    database_url: String,
    bus_url: String,
}

impl Shared {
    async fn prepare() -> anyhow::Result<Self> {
        let server_url =
            std::env::var("BENCH_POSTGRES_URL").unwrap_or_else(|_| LOCAL_POSTGRES.to_owned());
        let bus_url = std::env::var("BENCH_NATS_URL").unwrap_or_else(|_| LOCAL_NATS.to_owned());
        let nats = bus_url.trim_start_matches("nats://");
        std::net::TcpStream::connect(nats).with_context(|| format!("no NATS at {bus_url}"))?;
        let mut connection = PgConnection::connect(&server_url)
            .await
            .with_context(|| "no PostgreSQL (set BENCH_POSTGRES_URL)".to_owned())?;
        let database = format!("duet_bench_{}", std::process::id());
        connection
            .execute(format!("CREATE DATABASE {database}").as_str())
            .await?;
        let mut url = url::Url::parse(&server_url)?;
        url.set_path(&database);
        Ok(Self {
            server_url,
            database,
            database_url: url.to_string(),
            bus_url,
        })
    }

    fn node(&self, options: &Options, name: &str) -> anyhow::Result<Server> {
        self.node_under(&[], options, name)
    }

    fn node_under(
        &self,
        wrapper: &[String],
        options: &Options,
        name: &str,
    ) -> anyhow::Result<Server> {
        let env = [
            ("DUET_DATABASE_URL", self.database_url.as_str()),
            ("DUET_BUS_URL", self.bus_url.as_str()),
            ("DUET_NODE_NAME", name),
        ];
        Server::duet_under(wrapper, &options.duet_bin, Duration::from_secs(1200), &env)
    }

    async fn drop_database(&self) {
        if let Ok(mut connection) = PgConnection::connect(&self.server_url).await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database);
            let _ = connection.execute(drop.as_str()).await;
        }
    }
}

/// The cluster section of the report.
pub fn table(md: &mut String, run: &ClusterRun) {
    use std::fmt::Write as _;
    let cell = |value: Option<f64>| value.map_or("not measured".to_owned(), |v| format!("{v:.0}"));
    md.push_str(
        "\n## Several nodes (#16)\n\nUser-space CPU instructions per relayed page frame \
        (about 550 bytes of JSON), counted by ",
    );
    let _ = write!(
        md,
        "{} on the server processes while {} frames crossed one session ({WINDOW} in flight); \
         two nodes are the customer's and the agent's, the frames crossing NATS between them.\n\n",
        run.counted_by.unwrap_or("nothing"),
        run.frames
    );
    md.push_str("| Server | Instructions per frame | × bare relay |\n|---|---|---|\n");
    let ratio = |value: Option<f64>| match (value, run.bare) {
        (Some(v), Some(b)) if b > 0.0 => format!("{:.1}", v / b),
        _ => "–".to_owned(),
    };
    let rows = [
        ("Duet, one node", run.single),
        ("Duet, two nodes (both together)", run.cluster),
        ("NATS server, for the two nodes", run.nats),
        ("bare tokio-tungstenite relay", run.bare),
    ];
    for (what, value) in rows {
        let _ = writeln!(md, "| {what} | {} | {} |", cell(value), ratio(value));
    }
    let failover: Vec<String> = run.failover_ms.iter().map(u64::to_string).collect();
    let _ = writeln!(
        md,
        "\nFailover, `kill -9` of the customer's node to the agent's next frame through the other \
         node (both reconnecting at once, as a load balancer sends them), per round: {} ms.",
        if failover.is_empty() {
            "not measured".to_owned()
        } else {
            failover.join(", ")
        }
    );
    for why in &run.skipped {
        let _ = writeln!(md, "\nNot measured: {why}.");
    }
}
