//! Recording's goal rows and its table in the report.

use std::fmt::Write as _;

use crate::goals::{Goal, Met, OTHERS_NOTED_PERCENT, others_percent};
use crate::recording::{Recorded, RecordingRun};

/// The relay's p99 with recording on may be this many times its p99 with recording off.
pub const RECORDING_P99_RATIO: f64 = 1.2;
/// Bytes a session must have recorded for the "on" run to count as recording (a 16 KiB
/// snapshot and at least a second of batches).
const RECORDED_PER_SESSION_MIN: u64 = 32 * 1024;

/// Whether the "on" run truly recorded and the "off" run did not.
fn recorded_truly(run: &RecordingRun) -> bool {
    let on = run.on.recorded.clone().unwrap_or_default();
    let off = run.off.recorded.clone().unwrap_or_default();
    on.files == run.sessions
        && on.bytes >= RECORDED_PER_SESSION_MIN * run.sessions as u64
        && off.bytes == 0
}

/// Recording's rows: p99 on against off for both lanes, and what the "on" run wrote.
pub fn goals(run: &RecordingRun) -> Vec<Goal> {
    let (on, off) = (&run.on.load, &run.off.load);
    let truly = recorded_truly(run);
    let others = others_percent(&run.on).max(others_percent(&run.off));
    let note = if others >= OTHERS_NOTED_PERCENT {
        format!(" (other processes used up to {others:.0} % CPU)")
    } else {
        String::new()
    };
    let mut goals = Vec::new();
    for (lane, on_p99, off_p99) in [
        ("dom", on.dom_ms.p99, off.dom_ms.p99),
        ("pointer", on.pointer_ms.p99, off.pointer_ms.p99),
    ] {
        let ratio = on_p99 / off_p99.max(0.001);
        goals.push(Goal {
            what: format!(
                "{lane} relay p99 at {} sessions, recording on / off",
                run.sessions
            ),
            goal: format!("≤ {RECORDING_P99_RATIO}×"),
            result: format!("{on_p99:.2} / {off_p99:.2} ms = {ratio:.2}×{note}"),
            met: if truly {
                Met::from(ratio <= RECORDING_P99_RATIO)
            } else {
                Met::NotMeasured
            },
        });
    }
    goals.push(Goal {
        what: format!(
            "what the recording-on step wrote ({} sessions, {} s of load)",
            run.sessions,
            seconds(run)
        ),
        goal: "one file a session, no gaps; the off step writes nothing".into(),
        result: format!(
            "{}; off: {}",
            describe(run.on.recorded.as_ref(), run, true),
            describe(run.off.recorded.as_ref(), run, false)
        ),
        met: if truly { Met::Reported } else { Met::No },
    });
    goals
}

fn seconds(run: &RecordingRun) -> f64 {
    run.load_secs as f64
}

fn describe(recorded: Option<&Recorded>, run: &RecordingRun, per_minute: bool) -> String {
    let Some(r) = recorded else {
        return "not read".into();
    };
    let mut text = format!(
        "{} files, {:.1} MiB, {} with gaps",
        r.files,
        r.bytes as f64 / 1024.0 / 1024.0,
        r.with_gaps
    );
    if per_minute && r.files > 0 {
        let minutes = seconds(run) / 60.0;
        let per = r.bytes as f64 / r.files as f64 / minutes.max(1e-9) / 1024.0;
        let _ = write!(text, " ({per:.0} KiB a session-minute, snapshot included)");
    }
    text
}

/// Recording's section of the report.
pub fn table(md: &mut String, run: &RecordingRun) {
    let _ = write!(
        md,
        "\n## Session recordings' cost\n\nThe same relay step at {} sessions against Duet as it ships (SQLite store, \
         every session recorded under `<data dir>/recordings`) and against Duet with `DUET_RECORD_SESSIONS=false`, \
         one after the other in this run. The relay hands each taped frame to a bounded channel; one thread writes \
         the files. The load records far more than a page does: 1 KiB `dom` batches at 20/s are about 1.2 MiB a \
         session-minute, where the browser bench's UI churn records about 45 KiB.\n\n\
         | Recording | Setup s | Delivered msg/s | dom p50 / p99 | pointer p50 / p99 | Server CPU % | Other processes CPU % | Server RSS MiB | Recorded |\n\
         |---|---|---|---|---|---|---|---|---|\n",
        run.sessions
    );
    for (name, step, per_minute) in [("on", &run.on, true), ("off", &run.off, false)] {
        let l = &step.load;
        let _ = writeln!(
            md,
            "| {name} | {:.1} | {:.0} | {:.2} / {:.2} | {:.2} / {:.2} | {:.0} | {:.0} | {:.1} | {} |",
            step.setup_secs,
            l.delivered_per_sec,
            l.dom_ms.p50,
            l.dom_ms.p99,
            l.pointer_ms.p50,
            l.pointer_ms.p99,
            l.server_cpu_percent,
            others_percent(step),
            step.server_rss_kib_end as f64 / 1024.0,
            describe(step.recorded.as_ref(), run, per_minute)
        );
    }
}
