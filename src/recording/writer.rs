//! Keeps taped entries: one thread appends each to its session's file (made with the magic on
//! first use), writes whatever has queued up in one go, and closes a file at its session's end,
//! leaving its status beside it (`status.rs`). `prune` deletes recordings past retention.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use super::file::{MAGIC, encode, recording_path};
use super::status::{Tally, remove_sidecar, scan, write_sidecar};
use crate::engine::{TapeKind, Taped, TenantId, ToRecorder};

/// Files kept open at once; past this the least recently written is closed (and reopened later).
pub const MAX_OPEN_FILES: usize = 256;

/// How long the writer lets entries gather before it writes again. Woken for every entry, it
/// made one `write` per entry and file (6,000 a second at 200 bench sessions) and the relay's p99
/// with recording on swung from 0.3× to 9× of off on the shared 2-core machine; gathered, each
/// file gets one write per interval. A clean stop's flush is answered at the next write.
pub const WRITE_EVERY: Duration = Duration::from_millis(100);

struct Open {
    file: File,
    pending: Vec<u8>,
    used: u64,
    /// What the file's entries say, while this writer has written every one of them (it made
    /// the file and no write failed); else the file is scanned when it is finished.
    tally: Option<Tally>,
}

/// Starts the thread that writes recordings under `dir`; it stops when every sender is gone.
pub fn spawn_writer(
    dir: PathBuf,
    receiver: mpsc::Receiver<ToRecorder>,
) -> io::Result<std::thread::JoinHandle<()>> {
    fs::create_dir_all(&dir)?;
    std::thread::Builder::new()
        .name("duet-recordings".to_owned())
        .spawn(move || Writer::new(dir).run(receiver))
}

struct Writer {
    dir: PathBuf,
    open: HashMap<(TenantId, Arc<str>), Open>,
    clock: u64,
}

impl Writer {
    fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            open: HashMap::new(),
            clock: 0,
        }
    }

    /// Takes what has queued, writes it, and waits for more.
    fn run(mut self, mut receiver: mpsc::Receiver<ToRecorder>) {
        while let Some(first) = receiver.blocking_recv() {
            let mut flushes = Vec::new();
            let mut next = Some(first);
            while let Some(message) = next {
                match message {
                    ToRecorder::Entry(taped) => self.take(taped),
                    ToRecorder::Flush(done) => flushes.push(done),
                }
                next = receiver.try_recv().ok();
            }
            self.write_pending();
            for done in flushes {
                let _ = done.send(());
            }
            // The channel holds what comes meanwhile (`TAPE_CHANNEL_ENTRIES`).
            std::thread::sleep(WRITE_EVERY);
        }
        self.write_pending();
    }

    fn take(&mut self, taped: Taped) {
        self.clock += 1;
        let key = (taped.tenant.clone(), taped.session.clone());
        let end = taped.kind == TapeKind::End;
        if !self.open.contains_key(&key) {
            self.make_room();
            // An end finishes a file closed to make room, or written before a restart; a
            // session that taped nothing has no file, and its end makes none.
            let path = recording_path(&self.dir, &key.0, &key.1);
            match open_file(&path, !end) {
                Ok(Some((file, tally))) => {
                    let open = Open {
                        file,
                        pending: Vec::new(),
                        used: 0,
                        tally,
                    };
                    self.open.insert(key.clone(), open);
                }
                Ok(None) => return,
                Err(error) => {
                    tracing::error!(session.id = %key.1, error = %error, "could not open the session's recording");
                    return;
                }
            }
        }
        if let Some(open) = self.open.get_mut(&key) {
            open.used = self.clock;
            encode(taped.at, taped.kind, &taped.payload, &mut open.pending);
            if let Some(tally) = &mut open.tally {
                tally.see(taped.kind, &taped.payload);
            }
        }
        if end && let Some(open) = self.open.remove(&key) {
            self.finish(&key, open);
        }
    }

    /// Writes the rest of a file whose session ended, closes it and keeps its status beside it.
    fn finish(&self, key: &(TenantId, Arc<str>), mut open: Open) {
        write_out(key, &mut open);
        let path = recording_path(&self.dir, &key.0, &key.1);
        let status = match open.tally.take() {
            Some(tally) => tally.status(false),
            None => match scan(&path, false) {
                Ok(status) => status,
                // The list scans it and says what is wrong itself.
                Err(_) => return,
            },
        };
        let kept = open
            .file
            .metadata()
            .and_then(|metadata| write_sidecar(&path, &status, metadata.len()));
        if let Err(error) = kept {
            tracing::warn!(session.id = %key.1, error = %error, "could not keep the recording's status beside it; it is read from the file instead");
        }
    }

    fn make_room(&mut self) {
        if self.open.len() < MAX_OPEN_FILES {
            return;
        }
        let oldest = self
            .open
            .iter()
            .min_by_key(|(_, open)| open.used)
            .map(|(key, _)| key.clone());
        if let Some(key) = oldest
            && let Some(mut open) = self.open.remove(&key)
        {
            write_out(&key, &mut open);
        }
    }

    fn write_pending(&mut self) {
        for (key, open) in &mut self.open {
            write_out(key, open);
        }
    }
}

fn write_out(key: &(TenantId, Arc<str>), open: &mut Open) {
    if open.pending.is_empty() {
        return;
    }
    if let Err(error) = open.file.write_all(&open.pending) {
        tracing::error!(session.id = %key.1, error = %error, "could not write the session's recording");
        open.tally = None;
    }
    open.pending.clear();
}

/// Opens a recording to append to, and a tally of its entries when it is new (with the magic
/// written). An existing one loses its sidecar, since the recording goes on; a missing one is
/// made only when `create`, else `None`.
fn open_file(path: &Path, create: bool) -> io::Result<Option<(File, Option<Tally>)>> {
    if let Some(parent) = path.parent()
        && create
    {
        fs::create_dir_all(parent)?;
    }
    let mut file = match OpenOptions::new().create(create).append(true).open(path) {
        Ok(file) => file,
        Err(error) if !create && error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    if file.metadata()?.len() == 0 {
        file.write_all(MAGIC)?;
        return Ok(Some((file, Some(Tally::default()))));
    }
    remove_sidecar(path)?;
    Ok(Some((file, None)))
}

/// Deletes every recording of `tenant` under `dir` (the tenant was removed); returns how many.
pub fn forget_tenant(dir: &Path, tenant: &TenantId) -> io::Result<usize> {
    let folder = super::file::tenant_recordings(dir, tenant);
    if !folder.exists() {
        return Ok(0);
    }
    let count = fs::read_dir(&folder)?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rec"))
        .count();
    fs::remove_dir_all(&folder)?;
    Ok(count)
}

/// Deletes the recordings under `dir` last written more than `keep` ago, each with its status
/// sidecar, and sidecars as old that lost their recording; returns how many recordings.
pub fn prune(dir: &Path, keep: Duration, now: SystemTime) -> io::Result<usize> {
    let Some(cutoff) = now.checked_sub(keep) else {
        return Ok(0);
    };
    let mut deleted = 0;
    let tenants = match fs::read_dir(dir) {
        Ok(tenants) => tenants,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    for tenant in tenants.flatten().filter(|entry| entry.path().is_dir()) {
        for file in fs::read_dir(tenant.path())?.flatten() {
            let path = file.path();
            let metadata = match file.metadata() {
                Ok(metadata) => metadata,
                // A sidecar deleted with its recording a moment ago.
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            };
            if metadata.modified()? >= cutoff {
                continue;
            }
            match path.extension().and_then(|ext| ext.to_str()) {
                Some("rec") => {
                    fs::remove_file(&path)?;
                    remove_sidecar(&path)?;
                    deleted += 1;
                }
                Some("status") if !path.with_extension("rec").exists() => {
                    fs::remove_file(&path)?;
                }
                Some("tmp") => fs::remove_file(&path)?,
                _ => {}
            }
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests;
