//! Whether a recording holds all of what agents saw: counted entry by entry ([`Tally`]), by
//! the writer as it writes and by [`scan`] from the file, and kept beside a finished file in a
//! small sidecar (`<session>.status`, JSON) that [`status_of`] reads instead of the whole file.
//! The sidecar names the file's length when it was finished; one that does not match, cannot
//! be read, or is missing (older files, Duet stopped mid-file) means the file is scanned, and
//! the answer is the same either way.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::RecordingError;
use super::reader::read_chunk;
use crate::engine::TapeKind;

/// Why a recording that has no end is partial once its session is over.
pub const STOPPED: &str = "the recording stopped before the session ended (Duet stopped)";

/// How much of a file one read of a scan takes.
const SCAN_CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// Whether a session's recording holds all of what agents saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "recording", rename_all = "snake_case")]
pub enum RecordingStatus {
    /// No recording: the tenant does not record, or no agent ever saw the page.
    Absent,
    /// From the first snapshot an agent saw to the end, with nothing missing.
    Complete,
    /// Something is missing; `why` says what.
    Partial {
        /// Each reason, once.
        why: Vec<String>,
    },
    /// The session is still being recorded.
    Recording,
}

/// What a recording's entries say about it, seen in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    why: Vec<String>,
    /// The last entry is an end. An end with entries after it is none: a Duet before this one
    /// taped an end when it stopped, and the resumed session's recording went on after a gap.
    ended: bool,
}

impl Tally {
    /// Counts one entry.
    pub fn see(&mut self, kind: TapeKind, payload: &[u8]) {
        match kind {
            TapeKind::Gap => {
                self.note(payload);
                self.ended = false;
            }
            TapeKind::End => {
                if !payload.is_empty() {
                    self.note(payload);
                }
                self.ended = true;
            }
            _ => self.ended = false,
        }
    }

    fn note(&mut self, reason: &[u8]) {
        let reason = String::from_utf8_lossy(reason).into_owned();
        if !self.why.contains(&reason) {
            self.why.push(reason);
        }
    }

    /// The recording's state; `live` when its session has not ended.
    pub fn status(&self, live: bool) -> RecordingStatus {
        let mut why = self.why.clone();
        if !self.ended && !live {
            why.push(STOPPED.to_owned());
        }
        match (live, why.is_empty()) {
            (true, true) => RecordingStatus::Recording,
            (_, true) => RecordingStatus::Complete,
            (_, false) => RecordingStatus::Partial { why },
        }
    }
}

/// The state of the recording at `path`; `live` when its session has not ended. An ended
/// session's finished file is answered from its sidecar; anything else is scanned.
pub fn status_of(path: &Path, live: bool) -> Result<RecordingStatus, RecordingError> {
    let length = match fs::metadata(path) {
        Ok(metadata) => metadata.len(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok(RecordingStatus::Absent);
        }
        Err(error) => return Err(error.into()),
    };
    if !live && let Some(status) = read_sidecar(path, length) {
        return Ok(status);
    }
    scan(path, live)
}

/// The state of the recording at `path` from every entry of the file.
pub fn scan(path: &Path, live: bool) -> Result<RecordingStatus, RecordingError> {
    if !path.exists() {
        return Ok(RecordingStatus::Absent);
    }
    let mut tally = Tally::default();
    let mut from = 0;
    loop {
        let chunk = read_chunk(path, from, SCAN_CHUNK_BYTES)?;
        for entry in &chunk.entries {
            tally.see(entry.kind, &entry.payload);
        }
        if chunk.at_end || chunk.entries.is_empty() {
            break;
        }
        from = chunk.next;
    }
    Ok(tally.status(live))
}

/// What the sidecar holds.
#[derive(Debug, Serialize, Deserialize)]
struct Sidecar {
    /// The recording's length when it was finished.
    bytes: u64,
    /// Its state then.
    status: RecordingStatus,
}

/// Where the sidecar of the recording at `recording` is kept: beside it, `<session>.status`.
pub fn sidecar_path(recording: &Path) -> PathBuf {
    recording.with_extension("status")
}

/// Keeps `status` beside the finished recording at `recording`, `bytes` long: written to a
/// temporary file, then renamed over the sidecar, so a reader sees the old one or the new one.
pub fn write_sidecar(recording: &Path, status: &RecordingStatus, bytes: u64) -> io::Result<()> {
    let sidecar = sidecar_path(recording);
    let temporary = sidecar.with_extension("status.tmp");
    let body = Sidecar {
        bytes,
        status: status.clone(),
    };
    fs::write(&temporary, serde_json::to_vec(&body)?)?;
    fs::rename(&temporary, &sidecar)
}

/// Removes the sidecar of the recording at `recording` (it goes on, or is deleted); absent is
/// fine.
pub fn remove_sidecar(recording: &Path) -> io::Result<()> {
    match fs::remove_file(sidecar_path(recording)) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The finished recording's state from its sidecar, when there is one that describes the file
/// as it is now (`length` bytes) and names an ended recording's state.
fn read_sidecar(recording: &Path, length: u64) -> Option<RecordingStatus> {
    let bytes = fs::read(sidecar_path(recording)).ok()?;
    let sidecar: Sidecar = serde_json::from_slice(&bytes).ok()?;
    let finished = matches!(
        sidecar.status,
        RecordingStatus::Complete | RecordingStatus::Partial { .. }
    );
    (finished && sidecar.bytes == length).then_some(sidecar.status)
}
