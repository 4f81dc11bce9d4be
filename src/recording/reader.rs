//! Reads a recording back in chunks from a byte offset: a player asks for the next chunk as it
//! plays, so no route ever hands out the file (`status.rs` says what state it is in).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::file::{ENTRY_HEADER, Entry, MAGIC, MAX_ENTRY_BYTES, RecordingError, decode};

/// Entries from one offset on, and where the next chunk starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The entries, in order.
    pub entries: Vec<Entry>,
    /// The offset to ask for next.
    pub next: u64,
    /// Nothing more is in the file now.
    pub at_end: bool,
}

/// Reads the entries starting at byte `from` (0 for the start), about `max_bytes` of them.
pub fn read_chunk(path: &Path, from: u64, max_bytes: usize) -> Result<Chunk, RecordingError> {
    let mut file = File::open(path)?;
    let start = from.max(MAGIC.len() as u64);
    check_magic(&mut file)?;
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(max_bytes as u64 + ENTRY_HEADER as u64)
        .read_to_end(&mut bytes)?;
    let mut entries = Vec::new();
    let mut used = 0;
    loop {
        match decode(&bytes[used..], start + used as u64)? {
            Some((entry, len)) if used == 0 || used + len <= max_bytes => {
                entries.push(entry);
                used += len;
            }
            Some(_) => break,
            None if used == 0 && bytes.len() > ENTRY_HEADER => {
                // One entry larger than a chunk: read it whole.
                if let Some((entry, len)) = read_one(&mut file, start)? {
                    entries.push(entry);
                    used = len;
                }
                break;
            }
            None => break,
        }
    }
    let next = start + used as u64;
    let at_end = next >= file.metadata()?.len();
    Ok(Chunk {
        entries,
        next,
        at_end,
    })
}

/// The entry at `at`, read whole however large; `None` while it is still being written.
fn read_one(file: &mut File, at: u64) -> Result<Option<(Entry, usize)>, RecordingError> {
    file.seek(SeekFrom::Start(at))?;
    let mut len = [0u8; 4];
    file.read_exact(&mut len)?;
    let body = u32::from_le_bytes(len) as usize;
    if body > MAX_ENTRY_BYTES {
        return Err(RecordingError::Damaged(at));
    }
    let mut bytes = vec![0u8; 4 + body];
    bytes[..4].copy_from_slice(&len);
    match file.read_exact(&mut bytes[4..]) {
        Ok(()) => decode(&bytes, at),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn check_magic(file: &mut File) -> Result<(), RecordingError> {
    let mut magic = [0u8; 8];
    match file.read_exact(&mut magic) {
        Ok(()) if &magic == MAGIC => Ok(()),
        Ok(()) => Err(RecordingError::Damaged(0)),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
            Err(RecordingError::Damaged(0))
        }
        Err(error) => Err(error.into()),
    }
}
