//! Session recordings: what agents saw of each co-browse session of a tenant that records,
//! kept beside the store under the data directory, one append-only file per session
//! (`<data dir>/recordings/<tenant>/<session>.rec`). The page changes go in as the customer's
//! browser compressed and masked them, byte for byte, so a recording is a fraction of a video's
//! size and never holds a masked value. The engine tapes (`engine::tape`); `writer.rs` keeps,
//! `file.rs` is the format and the paths, `reader.rs` reads back in chunks, `status.rs` says
//! whether a recording is complete (kept beside a finished file as `<session>.status`), and
//! `prune` deletes what is past retention, sidecars with their files.

pub mod file;
pub mod reader;
pub mod status;
pub mod writer;

pub use file::{Entry, RecordingError, recording_path, tenant_recordings};
pub use reader::{Chunk, read_chunk};
pub use status::{RecordingStatus, Tally, scan, sidecar_path, status_of};
pub use writer::{forget_tenant, prune, spawn_writer};
