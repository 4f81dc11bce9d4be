//! Duet's relay, memory and wire-size benchmarks (issue "Benchmarks", parts 1, 2 and 5), and
//! what the store (#11), session recordings (#15) and several nodes (#16) cost the relay.
//!
//! Starts the real `duet serve` and a bare tokio-tungstenite relay as child processes, drives
//! paced co-browse sessions against each from this process, and writes what it measured to
//! `bench/results/<name>.md` and `.json`. It prints numbers and asserts nothing about speed.
//! Run it through `scripts/bench.sh [--quick]`.

mod baseline;
mod cluster;
mod counting;
mod duet;
mod frames;
mod goals;
mod load;
mod options;
mod procs;
mod recording;
mod recording_report;
mod report;
mod runs;
mod stats;
mod store;
mod store_report;
mod wire;

use anyhow::Context;

use options::Options;
use runs::Target;

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; a harness-less bench ignores it.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some(baseline::SERVE_ARG) {
        let max_secs = args
            .get(1)
            .context("--serve-baseline needs seconds")?
            .parse()?;
        return baseline::serve(max_secs);
    }
    let options = Options::parse(&args)?;
    stats::now_us(); // starts the shared clock
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bench-load")
        .build()?;
    let results = runtime.block_on(run(options))?;
    let markdown = report::write(&results)?;
    println!("{markdown}");
    Ok(())
}

async fn run(options: Options) -> anyhow::Result<report::Results> {
    let wire = wire::measure();
    let mut relay = Vec::new();
    if options.relay {
        for &n in &options.sessions {
            eprintln!("relay step: {n} sessions on Duet, then on the bare relay");
            let duet = runs::relay_step(Target::Duet, n, &options).await?;
            eprintln!("  duet: {}", brief(&duet));
            let bare = runs::relay_step(Target::Bare, n, &options).await?;
            eprintln!("  bare: {}", brief(&bare));
            relay.push((duet, bare));
        }
    }
    let memory = if options.memory {
        eprintln!(
            "memory: {} idle sessions, then a {} s soak",
            options.memory_sessions, options.soak_secs
        );
        Some(runs::memory(&options).await?)
    } else {
        None
    };
    let store = if options.store {
        Some(store::measure(&options).await?)
    } else {
        None
    };
    let recording = if options.recording {
        Some(recording::measure(&options).await?)
    } else {
        None
    };
    let cluster = if options.cluster {
        eprintln!("several nodes: instructions per frame and failover");
        Some(cluster::measure(&options).await?)
    } else {
        None
    };
    let goals = goals::judge(
        &relay,
        memory.as_ref(),
        &wire,
        store.as_ref(),
        recording.as_ref(),
    );
    Ok(report::Results {
        machine: report::Machine::here(),
        parameters: options,
        goals,
        relay,
        memory,
        wire,
        store,
        recording,
        cluster,
    })
}

fn brief(run: &runs::StepRun) -> String {
    let l = &run.load;
    format!(
        "{:.0} msg/s, dom p50/p99 {:.2}/{:.2} ms, pointer p99 {:.2} ms, resyncs {}, closed {}, server CPU {:.0} %{}",
        l.delivered_per_sec,
        l.dom_ms.p50,
        l.dom_ms.p99,
        l.pointer_ms.p99,
        l.resyncs,
        l.closed_early,
        l.server_cpu_percent,
        if l.generator_saturated {
            ", load generator saturated"
        } else {
            ""
        }
    )
}
