//! What recording sessions costs the relay (issue #15): the same relay step against Duet as it
//! ships (the store on, every session recorded under `<data dir>/recordings`) and against Duet
//! with `DUET_RECORD_SESSIONS=false`, one after the other in this run; and what the recordings
//! directory held after a step, read back with Duet's own reader, so a run that recorded nothing
//! (or with gaps) shows.

use std::path::Path;

use duet::recording::{RecordingStatus, status_of};
use serde::Serialize;

use crate::options::Options;
use crate::runs::{StepRun, Target, relay_step};

/// Recording's cost, measured in one run.
#[derive(Debug, Clone, Serialize)]
pub struct RecordingRun {
    /// Sessions of each step.
    pub sessions: usize,
    /// Seconds of load per step (warm-up and measured): what the files hold.
    pub load_secs: u64,
    /// Recording on (Duet as it ships).
    pub on: StepRun,
    /// `DUET_RECORD_SESSIONS=false`.
    pub off: StepRun,
}

/// What a Duet's recordings directory held after a step.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recorded {
    /// Recording files (`<tenant>/<session>.rec`).
    pub files: usize,
    /// Their bytes together.
    pub bytes: u64,
    /// Files whose recording has a gap (the recorder fell behind) or could not be read.
    pub with_gaps: usize,
}

/// Runs the relay step with recording on, then off.
pub async fn measure(options: &Options) -> anyhow::Result<RecordingRun> {
    let n = options.recording_sessions;
    eprintln!("recording: {n} sessions with session recordings on, then off");
    let on = relay_step(Target::Duet, n, options).await?;
    let off = relay_step(Target::DuetRecordingOff, n, options).await?;
    Ok(RecordingRun {
        sessions: n,
        load_secs: options.warmup_secs + options.duration_secs,
        on,
        off,
    })
}

/// Reads the recordings under `dir` (the sessions are still live: a complete one says
/// `Recording`); a missing directory holds nothing.
pub fn recorded(dir: &Path) -> Recorded {
    let mut found = Recorded::default();
    let Ok(tenants) = std::fs::read_dir(dir) else {
        return found;
    };
    for tenant in tenants.flatten().filter(|entry| entry.path().is_dir()) {
        let Ok(files) = std::fs::read_dir(tenant.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            if path.extension().is_none_or(|ext| ext != "rec") {
                continue;
            }
            found.files += 1;
            found.bytes += file.metadata().map_or(0, |m| m.len());
            if !matches!(status_of(&path, true), Ok(RecordingStatus::Recording)) {
                found.with_gaps += 1;
            }
        }
    }
    found
}
