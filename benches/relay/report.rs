//! The results: goal rows (what, goal, result, met), detail tables, the machine and parameters,
//! written as `<name>.md` and `<name>.json`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::goals::Goal;
use crate::options::Options;
use crate::runs::{MemoryRun, StepRun};
use crate::wire::WireStats;

/// Everything one bench run measured.
#[derive(Debug, Serialize)]
pub struct Results {
    pub machine: Machine,
    pub parameters: Options,
    pub goals: Vec<Goal>,
    pub relay: Vec<(StepRun, StepRun)>,
    pub memory: Option<MemoryRun>,
    pub wire: WireStats,
    pub store: Option<crate::store::StoreRun>,
    pub recording: Option<crate::recording::RecordingRun>,
    pub cluster: Option<crate::cluster::ClusterRun>,
}

/// Where the numbers come from.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub kernel: String,
    pub date_utc: String,
    pub commit: String,
}

impl Machine {
    /// Reads this machine's description.
    pub fn here() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
            .unwrap_or_default();
        let date_utc = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Self {
            nproc: std::thread::available_parallelism().map_or(0, usize::from),
            cpu,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            date_utc,
            commit: std::env::var("BENCH_COMMIT").unwrap_or_default(),
        }
    }
}

/// Writes `<out_dir>/<name>.md` and `.json`; returns the markdown.
pub fn write(results: &Results) -> anyhow::Result<String> {
    let options = &results.parameters;
    std::fs::create_dir_all(&options.out_dir)?;
    let markdown = markdown(results);
    let base = format!("{}/{}", options.out_dir, options.name);
    std::fs::write(format!("{base}.md"), &markdown)?;
    std::fs::write(
        format!("{base}.json"),
        serde_json::to_string_pretty(results)? + "\n",
    )?;
    Ok(markdown)
}

fn markdown(results: &Results) -> String {
    let (m, o) = (&results.machine, &results.parameters);
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Relay, memory and wire-size benchmark{}\n",
        if o.quick { " (quick)" } else { "" }
    );
    let _ = writeln!(
        md,
        "Machine: {} cores ({}), Linux {}, {} UTC, commit {}.  \nParameters: sessions {:?}, {} s measured after {} s warm-up per step; memory at {} sessions, soak {} s sampled every {} s. \
         Load per session: customer sends a 16 KiB full snapshot, then 1 KiB `dom` batches at 20/s and pointer moves at 60/s, as binary frames (what the customer's script sends; Duet relays `dom` frames byte for byte and rewrites a pointer's sender byte); the agent socket receives. \
         Server and load generator share the same cores.\n",
        m.nproc,
        m.cpu,
        m.kernel,
        m.date_utc,
        m.commit,
        o.sessions,
        o.duration_secs,
        o.warmup_secs,
        o.memory_sessions,
        o.soak_secs,
        o.sample_secs
    );
    md.push_str("## Goals\n\n| Measured | Goal | Result | Met |\n|---|---|---|---|\n");
    for goal in &results.goals {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            goal.what,
            goal.goal,
            goal.result,
            goal.met.label()
        );
    }
    relay_table(&mut md, &results.relay);
    if let Some(memory) = &results.memory {
        memory_table(&mut md, memory);
    }
    wire_table(&mut md, &results.wire);
    if let Some(store) = &results.store {
        crate::store_report::table(&mut md, store);
    }
    if let Some(recording) = &results.recording {
        crate::recording_report::table(&mut md, recording);
    }
    if let Some(cluster) = &results.cluster {
        crate::cluster::table(&mut md, cluster);
    }
    md
}

fn relay_table(md: &mut String, relay: &[(StepRun, StepRun)]) {
    md.push_str("\n## Relay steps\n\nLatency is publisher send → subscriber receive, in ms, on one clock. \
        Pointer delivered < sent is Duet's latest-wins slot coalescing moves, by design. \
        CPU is 100 % per core; \"other processes\" is the machine's busy time minus server and bench (other work on a shared box), \
        and \"generator late\" is how late the publishers' 60 Hz ticks fired (1 ms timer granularity; high values mean CPU starvation).\n\n\
        | Sessions | Server | Setup s | Delivered msg/s | dom p50 / p95 / p99 / p99.9 | pointer p50 / p95 / p99 | dom delivered / sent | pointer delivered / sent | Resyncs | Closed | Server CPU % | Bench CPU % | Other processes CPU % | Generator late p99 ms | Server RSS MiB |\n\
        |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for run in relay.iter().flat_map(|(duet, bare)| [duet, bare]) {
        let l = &run.load;
        let _ = writeln!(
            md,
            "| {} | {:?} | {:.1} | {:.0} | {:.2} / {:.2} / {:.2} / {:.2} | {:.2} / {:.2} / {:.2} | {} / {} | {} / {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.2}{} | {:.1} |",
            l.sessions,
            run.target,
            run.setup_secs,
            l.delivered_per_sec,
            l.dom_ms.p50,
            l.dom_ms.p95,
            l.dom_ms.p99,
            l.dom_ms.p999,
            l.pointer_ms.p50,
            l.pointer_ms.p95,
            l.pointer_ms.p99,
            l.dom_delivered,
            l.dom_sent,
            l.pointer_delivered,
            l.pointer_sent,
            l.resyncs,
            l.closed_early,
            l.server_cpu_percent,
            l.bench_cpu_percent,
            crate::goals::others_percent(run),
            l.generator_lateness_p99_ms,
            if l.generator_saturated {
                " (saturated)"
            } else {
                ""
            },
            run.server_rss_kib_end as f64 / 1024.0
        );
    }
}

fn memory_table(md: &mut String, memory: &MemoryRun) {
    md.push_str("\n## Memory\n\n| Server | Idle sessions | RSS before MiB | RSS idle MiB | KiB per idle session |\n|---|---|---|---|---|\n");
    for idle in &memory.idle {
        let _ = writeln!(
            md,
            "| {:?} | {} | {:.1} | {:.1} | {:.1} |",
            idle.target,
            idle.sessions,
            idle.rss_kib_before as f64 / 1024.0,
            idle.rss_kib_idle as f64 / 1024.0,
            idle.kib_per_session
        );
    }
    md.push_str("\nDuet RSS during the soak (s → MiB): ");
    let samples: Vec<String> = memory
        .soak_samples
        .iter()
        .map(|(t, kib)| format!("{t:.0} → {:.1}", *kib as f64 / 1024.0))
        .collect();
    md.push_str(&samples.join(", "));
    if let Some(soak) = &memory.soak {
        let _ = write!(
            md,
            ".  \nSoak load: {:.0} msg/s delivered, dom p50 / p99 {:.2} / {:.2} ms, pointer p99 {:.2} ms, resyncs {}, closed {}, server CPU {:.0} %.",
            soak.delivered_per_sec,
            soak.dom_ms.p50,
            soak.dom_ms.p99,
            soak.pointer_ms.p99,
            soak.resyncs,
            soak.closed_early,
            soak.server_cpu_percent
        );
    }
    md.push('\n');
}

fn wire_table(md: &mut String, wire: &WireStats) {
    let ratio = |bytes: u64| wire.rrweb_json_per_event as f64 / bytes.max(1) as f64;
    let _ = write!(
        md,
        "\n## Wire size\n\nOne scripted minute of UI churn: {} rrweb mutation events in {} renders (a 25-row list re-keyed every 4th render, text, attribute, input, style and scroll changes). \
         Bytes customer → Duet including WebSocket frame headers.\n\n| Encoding | Bytes per minute | rrweb JSON ÷ this |\n|---|---|---|\n",
        wire.events, wire.frames
    );
    for (name, bytes) in [
        ("rrweb JSON, one frame per event", wire.rrweb_json_per_event),
        (
            "Duet today: one binary `dom` frame per render, one deflate stream per connection (sync flush per batch, flags byte)",
            wire.duet_today,
        ),
        (
            "Duet before: one `dom` text frame per render, uncompressed (still accepted from older scripts)",
            wire.duet_text_frames,
        ),
        (
            "Duet frames, deflate per frame (no context takeover)",
            wire.duet_deflate_per_frame,
        ),
        (
            "Duet frames, permessage-deflate with context takeover",
            wire.duet_deflate_stream,
        ),
        (
            "rrweb JSON per event, permessage-deflate with context takeover",
            wire.rrweb_deflate_stream,
        ),
    ] {
        let _ = writeln!(md, "| {name} | {bytes} | {:.1}x |", ratio(bytes));
    }
    md.push_str(
        "\naxum 0.8's WebSocket (tungstenite) has no permessage-deflate, so Duet compresses in the \
         application: the customer's script keeps one deflate stream per connection, sync-flushes it \
         after each batch and sends the bytes as one binary frame behind a flags byte; the stream \
         starts again at every full snapshot, and Duet relays the frame to agents unchanged. \
         Measured here with zlib (flate2) at level 6; the script uses pako, a zlib port, at level 6.\n",
    );
}
