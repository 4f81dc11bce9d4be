//! The store's goal rows and its table in the report.

use std::fmt::Write as _;

use crate::goals::{Goal, Met};
use crate::store::StoreRun;

/// The relay's p99 with the store on may be this many times its p99 with the store off.
pub const STORE_P99_RATIO: f64 = 1.2;

/// The store's rows: p99 on against off for both lanes, and the audit measures.
pub fn goals(store: &StoreRun) -> Vec<Goal> {
    let (on, off) = (&store.on.load, &store.off.load);
    let mut goals = Vec::new();
    for (lane, on_p99, off_p99) in [
        ("dom", on.dom_ms.p99, off.dom_ms.p99),
        ("pointer", on.pointer_ms.p99, off.pointer_ms.p99),
    ] {
        let ratio = on_p99 / off_p99.max(0.001);
        goals.push(Goal {
            what: format!(
                "{lane} relay p99 at {} sessions, store on / off",
                store.sessions
            ),
            goal: format!("≤ {STORE_P99_RATIO}×"),
            result: format!("{on_p99:.2} / {off_p99:.2} ms = {ratio:.2}×"),
            met: Met::from(ratio <= STORE_P99_RATIO),
        });
    }
    for audit in &store.audit {
        goals.push(Goal {
            what: format!("audit records a second, {}", audit.database),
            goal: "as many as this machine sustains".into(),
            result: format!(
                "{:.0} records/s ({} sessions × {:.0} records in {:.1} s)",
                audit.records_per_sec, audit.sessions, audit.records_per_session, audit.secs
            ),
            met: Met::Reported,
        });
        goals.push(Goal {
            what: format!("bytes per audited session, {}", audit.database),
            goal: "as few as the trail allows".into(),
            result: format!("{:.0} bytes", audit.bytes_per_session),
            met: Met::Reported,
        });
    }
    goals
}

/// The store's section of the report.
pub fn table(md: &mut String, store: &StoreRun) {
    let _ = write!(
        md,
        "\n## The store's cost\n\nThe same relay step at {} sessions against Duet as it ships (SQLite file, audit trail on) \
         and against Duet with `DUET_DATABASE_URL=none` (nothing stored, no audit trail), one after the other in this run. \
         Relaying touches neither; the store works when sessions start, join and change, and every 5 s for the heartbeat.\n\n\
         | Store | Setup s | Delivered msg/s | dom p50 / p99 | pointer p50 / p99 | Server CPU % | Server RSS MiB |\n|---|---|---|---|---|---|---|\n",
        store.sessions
    );
    for (name, run) in [("on", &store.on), ("off", &store.off)] {
        let l = &run.load;
        let _ = writeln!(
            md,
            "| {name} | {:.1} | {:.0} | {:.2} / {:.2} | {:.2} / {:.2} | {:.0} | {:.1} |",
            run.setup_secs,
            l.delivered_per_sec,
            l.dom_ms.p50,
            l.dom_ms.p99,
            l.pointer_ms.p50,
            l.pointer_ms.p99,
            l.server_cpu_percent,
            run.server_rss_kib_end as f64 / 1024.0
        );
    }
    md.push_str(
        "\nAudit throughput: whole co-browse sessions (start, join, control asked, approved, revoked, ended: \
         six records each) through the real registry and journal, 256 sessions in flight, in the bench's process. \
         Bytes per session: the database's growth (write-ahead log folded in) over the sessions.\n\n\
         | Database | Sessions | Records | Seconds | Records/s | Bytes per session |\n|---|---|---|---|---|---|\n",
    );
    for audit in &store.audit {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.2} | {:.0} | {:.0} |",
            audit.database,
            audit.sessions,
            audit.records,
            audit.secs,
            audit.records_per_sec,
            audit.bytes_per_session
        );
    }
}
