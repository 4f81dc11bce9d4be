//! The recording file: an 8-byte magic, then entries of `u32` length (of what follows), `i64`
//! time in UTC milliseconds, a kind byte ([`TapeKind`]) and the payload, all little-endian; and
//! where each session's file lives.

use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::engine::{TapeKind, TenantId, Timestamp};

/// What every recording file starts with.
pub const MAGIC: &[u8; 8] = b"DUETREC1";
/// Bytes before an entry's payload: length, time and kind.
pub const ENTRY_HEADER: usize = 4 + 8 + 1;
/// The largest entry read back (the socket's frame limit is far below).
pub const MAX_ENTRY_BYTES: usize = 64 * 1024 * 1024;

/// One entry read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// When it was relayed.
    pub at: Timestamp,
    /// What it is.
    pub kind: TapeKind,
    /// Its bytes.
    pub payload: Bytes,
}

/// Why a recording could not be read; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// The file could not be read.
    #[error(
        "the recording could not be read ({0}); check the data directory's permissions and disk"
    )]
    Io(#[from] std::io::Error),
    /// The file is not a recording, or is damaged at `offset`.
    #[error("the recording is damaged at byte {0}; what comes before it can still be played")]
    Damaged(u64),
}

/// Appends one entry to `out`.
pub fn encode(at: Timestamp, kind: TapeKind, payload: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(8 + 1 + payload.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&at.unix_millis().to_le_bytes());
    out.push(kind as u8);
    out.extend_from_slice(payload);
}

/// Reads the entry at the start of `bytes`: `Ok(None)` when it is not all there yet (a file
/// being written, or cut short), else the entry and its length in bytes.
pub fn decode(bytes: &[u8], offset: u64) -> Result<Option<(Entry, usize)>, RecordingError> {
    let Some(header) = bytes.get(..ENTRY_HEADER) else {
        return Ok(None);
    };
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    if !(9..=MAX_ENTRY_BYTES).contains(&len) {
        return Err(RecordingError::Damaged(offset));
    }
    let Some(body) = bytes.get(4..4 + len) else {
        return Ok(None);
    };
    let mut millis = [0u8; 8];
    millis.copy_from_slice(&body[..8]);
    let kind = TapeKind::from_byte(body[8]).ok_or(RecordingError::Damaged(offset))?;
    let entry = Entry {
        at: Timestamp::from_unix_millis(i64::from_le_bytes(millis)),
        kind,
        payload: Bytes::copy_from_slice(&body[9..]),
    };
    Ok(Some((entry, 4 + len)))
}

/// Where session `session` of `tenant` is recorded under `dir` (the recordings directory).
/// A tenant id that is not a plain name is written in hex, so no id can leave the directory.
pub fn recording_path(dir: &Path, tenant: &TenantId, session: &str) -> PathBuf {
    tenant_recordings(dir, tenant).join(format!("{}.rec", path_part(session)))
}

/// The folder under `dir` that holds every recording of `tenant`.
pub fn tenant_recordings(dir: &Path, tenant: &TenantId) -> PathBuf {
    dir.join(path_part(tenant.as_str()))
}

fn path_part(text: &str) -> String {
    let plain = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if plain {
        text.to_owned()
    } else {
        format!("x-{}", hex::encode(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_back_as_written_and_a_cut_one_waits() {
        let mut bytes = Vec::new();
        let at = Timestamp::from_unix_millis(1_700_000_000_123);
        encode(at, TapeKind::Page, &[1, 2, 3], &mut bytes);
        let (entry, len) = decode(&bytes, 0).unwrap().unwrap();
        assert_eq!(len, bytes.len());
        assert_eq!(entry.at, at);
        assert_eq!(entry.kind, TapeKind::Page);
        assert_eq!(&entry.payload[..], &[1, 2, 3]);
        assert!(decode(&bytes[..bytes.len() - 1], 0).unwrap().is_none());
        bytes[ENTRY_HEADER - 1] = 99;
        assert!(matches!(decode(&bytes, 8), Err(RecordingError::Damaged(8))));
    }

    #[test]
    fn no_tenant_or_session_id_leaves_the_recordings_directory() {
        let dir = Path::new("/data/recordings");
        let path = recording_path(dir, &TenantId::new("../../etc"), "../passwd");
        assert!(path.starts_with(dir));
        assert_eq!(path.components().count(), dir.components().count() + 2);
        assert_eq!(
            recording_path(dir, &TenantId::new("contoso"), "123456789"),
            dir.join("contoso/123456789.rec")
        );
    }
}
