//! The goals, judged from what was measured; a goal not measured says so.

use serde::Serialize;

use crate::recording::RecordingRun;
use crate::runs::{MemoryRun, StepRun, Target};
use crate::store::StoreRun;

use crate::wire::WireStats;

/// Duet's p99 may be this many times the bare relay's.
const P99_RATIO: f64 = 1.2;
/// Sessions the issue asks one 2-core box to carry.
const SESSIONS_GOAL: usize = 3000;
/// A step "carries" its sessions when this share of `dom` batches arrives…
const DELIVERED_SHARE: f64 = 0.99;
/// …with this p99 or better (the DOM budget of the anchors, §4.3), no resyncs and no closes.
const CARRIED_P99_MS: f64 = 50.0;
const IDLE_KIB_GOAL: f64 = 64.0;
/// RSS growth after the first fifth of the soak that still counts as flat.
const FLAT_GROWTH: f64 = 0.05;
const WIRE_RATIO_GOAL: f64 = 10.0;
/// CPU used by processes other than the server and the bench worth a note (100 % = one core).
pub const OTHERS_NOTED_PERCENT: f64 = 20.0;

/// CPU other processes used during a step, 100 % per core.
pub fn others_percent(run: &StepRun) -> f64 {
    let l = &run.load;
    (l.machine_cpu_percent - l.server_cpu_percent - l.bench_cpu_percent).max(0.0)
}

/// Whether a goal was met.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Met {
    Yes,
    No,
    NotMeasured,
    /// A number the issue asks for, with no target to meet.
    Reported,
}

impl Met {
    /// Met when `ok`.
    pub fn from(ok: bool) -> Self {
        if ok { Met::Yes } else { Met::No }
    }

    /// How the markdown shows it.
    pub fn label(self) -> &'static str {
        match self {
            Met::Yes => "met",
            Met::No => "**not met**",
            Met::NotMeasured => "not measured",
            Met::Reported => "reported",
        }
    }
}

/// One row: what was measured, the goal, the result, met or not.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    pub what: String,
    pub goal: String,
    pub result: String,
    pub met: Met,
}

/// All goal rows.
pub fn judge(
    relay: &[(StepRun, StepRun)],
    memory: Option<&MemoryRun>,
    wire: &WireStats,
    store: Option<&StoreRun>,
    recording: Option<&RecordingRun>,
) -> Vec<Goal> {
    let mut goals = Vec::new();
    for (duet, bare) in relay {
        goals.push(p99_ratio(
            "dom",
            duet,
            bare,
            duet.load.dom_ms.p99,
            bare.load.dom_ms.p99,
        ));
        goals.push(p99_ratio(
            "pointer",
            duet,
            bare,
            duet.load.pointer_ms.p99,
            bare.load.pointer_ms.p99,
        ));
    }
    goals.push(capacity(relay));
    if let Some(memory) = memory {
        goals.extend(memory_goals(memory));
    }
    goals.push(wire_goal(wire));
    if let Some(store) = store {
        goals.extend(crate::store_report::goals(store));
    }
    if let Some(recording) = recording {
        goals.extend(crate::recording_report::goals(recording));
    }
    goals
}

fn p99_ratio(lane: &str, duet: &StepRun, bare: &StepRun, duet_p99: f64, bare_p99: f64) -> Goal {
    let ratio = duet_p99 / bare_p99.max(0.001);
    let mut notes = Vec::new();
    if duet.load.generator_saturated || bare.load.generator_saturated {
        notes.push("load generator could not keep the rate".to_owned());
    }
    let others = others_percent(duet).max(others_percent(bare));
    if others >= OTHERS_NOTED_PERCENT {
        notes.push(format!("other processes used up to {others:.0} % CPU"));
    }
    let saturated = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    Goal {
        what: format!("{lane} relay p99 at {} sessions", duet.load.sessions),
        goal: format!("Duet p99 ≤ {P99_RATIO}× bare relay p99"),
        result: format!("Duet {duet_p99:.2} ms vs bare {bare_p99:.2} ms = {ratio:.2}×{saturated}"),
        met: Met::from(ratio <= P99_RATIO),
    }
}

fn carried(run: &StepRun) -> bool {
    let l = &run.load;
    run.target == Target::Duet
        && l.dom_delivered as f64 >= DELIVERED_SHARE * l.dom_sent as f64
        && l.dom_sent > 0
        && l.resyncs == 0
        && l.closed_early == 0
        && l.dom_ms.p99 <= CARRIED_P99_MS
}

fn capacity(relay: &[(StepRun, StepRun)]) -> Goal {
    let largest = relay
        .iter()
        .map(|(duet, _)| duet.load.sessions)
        .max()
        .unwrap_or(0);
    let best = relay
        .iter()
        .filter(|(duet, _)| carried(duet))
        .map(|(duet, _)| duet.load.sessions)
        .max();
    let nproc = std::thread::available_parallelism().map_or(0, usize::from);
    let result = match best {
        Some(n) => format!("carried {n} sessions (largest step run: {largest}) on {nproc} cores"),
        None => format!("no step carried its sessions (largest step run: {largest})"),
    };
    Goal {
        what: "Sessions carried (≥99 % of dom delivered, dom p99 ≤ 50 ms, no resync or close)"
            .into(),
        goal: format!("≥ {SESSIONS_GOAL} sessions on 2 cores"),
        result,
        met: match best {
            Some(n) if n >= SESSIONS_GOAL => Met::Yes,
            _ if largest < SESSIONS_GOAL => Met::NotMeasured,
            _ => Met::No,
        },
    }
}

fn memory_goals(memory: &MemoryRun) -> Vec<Goal> {
    let mut goals = Vec::new();
    if let Some(idle) = memory.idle.iter().find(|i| i.target == Target::Duet) {
        goals.push(Goal {
            what: format!(
                "Duet RSS per idle session ({} sessions, customer + agent socket)",
                idle.sessions
            ),
            goal: format!("≤ {IDLE_KIB_GOAL} KiB"),
            result: format!("{:.1} KiB", idle.kib_per_session),
            met: Met::from(idle.kib_per_session <= IDLE_KIB_GOAL),
        });
    }
    let samples = &memory.soak_samples;
    let settled = samples.get(samples.len() / 5).map(|s| s.1);
    let last = samples.last().map(|s| s.1);
    goals.push(match (settled, last, samples.first()) {
        (Some(settled), Some(last), Some(first)) => {
            let growth = (last as f64 - settled as f64) / settled.max(1) as f64;
            Goal {
                what: format!("Duet RSS over the soak ({:.0} s under load)", samples.last().map_or(0.0, |s| s.0)),
                goal: format!("flat: ≤ {:.0} % growth after the first fifth", FLAT_GROWTH * 100.0),
                result: format!(
                    "{:.1} MiB at start, {:.1} MiB after the first fifth, {:.1} MiB at the end ({:+.1} %)",
                    first.1 as f64 / 1024.0, settled as f64 / 1024.0, last as f64 / 1024.0, growth * 100.0
                ),
                met: Met::from(growth <= FLAT_GROWTH),
            }
        }
        _ => Goal {
            what: "Duet RSS over the soak".into(),
            goal: "flat".into(),
            result: "no samples".into(),
            met: Met::NotMeasured,
        },
    });
    goals
}

fn wire_goal(wire: &WireStats) -> Goal {
    let today = wire.rrweb_json_per_event as f64 / wire.duet_today.max(1) as f64;
    let before = wire.rrweb_json_per_event as f64 / wire.duet_text_frames.max(1) as f64;
    Goal {
        what: "Bytes on the wire per minute of UI churn, vs rrweb JSON".into(),
        goal: format!("≥ {WIRE_RATIO_GOAL}× smaller"),
        result: format!(
            "Duet sends binary dom frames from one deflate stream per connection: {} vs {} bytes = {today:.1}× (uncompressed dom text frames: {} bytes = {before:.2}×)",
            wire.duet_today, wire.rrweb_json_per_event, wire.duet_text_frames
        ),
        met: Met::from(today >= WIRE_RATIO_GOAL),
    }
}
