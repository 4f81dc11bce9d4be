//! Keeps taped entries: one thread appends each to its session's file (made with the magic on
//! first use), writes whatever has queued up in one go, and closes a file at its session's end.
//! `prune` deletes recordings past retention.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use super::file::{MAGIC, encode, recording_path};
use crate::engine::{TapeKind, Taped, TenantId};

/// Files kept open at once; past this the least recently written is closed (and reopened later).
pub const MAX_OPEN_FILES: usize = 256;

struct Open {
    file: File,
    pending: Vec<u8>,
    used: u64,
}

/// Starts the thread that writes recordings under `dir`; it stops when every sender is gone.
pub fn spawn_writer(
    dir: PathBuf,
    receiver: mpsc::Receiver<Taped>,
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
    fn run(mut self, mut receiver: mpsc::Receiver<Taped>) {
        while let Some(first) = receiver.blocking_recv() {
            self.take(first);
            while let Ok(next) = receiver.try_recv() {
                self.take(next);
            }
            self.write_pending();
        }
        self.write_pending();
    }

    fn take(&mut self, taped: Taped) {
        self.clock += 1;
        let key = (taped.tenant.clone(), taped.session.clone());
        if taped.kind == TapeKind::End {
            if let Some(mut open) = self.open.remove(&key) {
                encode(taped.at, taped.kind, &taped.payload, &mut open.pending);
                write_out(&key, &mut open);
            }
            return;
        }
        if !self.open.contains_key(&key) {
            self.make_room();
            match open_file(&recording_path(&self.dir, &key.0, &key.1)) {
                Ok(file) => {
                    let open = Open {
                        file,
                        pending: Vec::new(),
                        used: 0,
                    };
                    self.open.insert(key.clone(), open);
                }
                Err(error) => {
                    tracing::error!(session.id = %key.1, error = %error, "could not open the session's recording");
                    return;
                }
            }
        }
        if let Some(open) = self.open.get_mut(&key) {
            open.used = self.clock;
            encode(taped.at, taped.kind, &taped.payload, &mut open.pending);
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
    }
    open.pending.clear();
}

/// Opens a recording to append to, writing the magic when it is new.
fn open_file(path: &Path) -> io::Result<File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    if file.metadata()?.len() == 0 {
        file.write_all(MAGIC)?;
    }
    Ok(file)
}

/// Deletes the recordings under `dir` last written more than `keep` ago; returns how many.
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
            let old = file.metadata()?.modified()? < cutoff;
            if old && file.path().extension().is_some_and(|ext| ext == "rec") {
                fs::remove_file(file.path())?;
                deleted += 1;
            }
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_past_retention_are_deleted_and_newer_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let day = Duration::from_secs(24 * 3600);
        let old = recording_path(dir.path(), &TenantId::default(), "111111111");
        let new = recording_path(dir.path(), &TenantId::default(), "222222222");
        for path in [&old, &new] {
            drop(open_file(path).unwrap());
        }
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(now - 91 * day)
            .unwrap();
        assert_eq!(prune(dir.path(), 90 * day, now).unwrap(), 1);
        assert!(!old.exists());
        assert!(new.exists());
        assert_eq!(prune(&dir.path().join("none"), day, now).unwrap(), 0);
    }
}
