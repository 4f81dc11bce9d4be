//! The writer's files, their status sidecars and retention.

use bytes::Bytes;

use super::*;
use crate::engine::Timestamp;
use crate::recording::status::{RecordingStatus, STOPPED, sidecar_path, status_of};

const RESTARTED: &str = "Duet stopped and started again";
const BEHIND: &str = "the recorder fell behind";

fn taped(session: &str, millis: i64, kind: TapeKind, payload: &'static [u8]) -> Taped {
    Taped {
        tenant: TenantId::default(),
        session: Arc::from(session),
        at: Timestamp::from_unix_millis(millis),
        kind,
        payload: Bytes::from_static(payload),
    }
}

/// Hands `entries` to a writer of `dir` as one batch, as the thread does.
fn write(dir: &Path, writer: Option<Writer>, entries: Vec<Taped>) -> Writer {
    let mut writer = writer.unwrap_or_else(|| Writer::new(dir.to_owned()));
    for entry in entries {
        writer.take(entry);
    }
    writer.write_pending();
    writer
}

fn path_of(dir: &Path, session: &str) -> PathBuf {
    recording_path(dir, &TenantId::default(), session)
}

/// The status of a finished recording, asserting the sidecar and the scan agree.
fn agreed(dir: &Path, session: &str) -> RecordingStatus {
    let path = path_of(dir, session);
    assert!(sidecar_path(&path).exists(), "{session} was finished");
    let kept = status_of(&path, false).unwrap();
    assert_eq!(
        kept,
        scan(&path, false).unwrap(),
        "{session}: sidecar and scan"
    );
    remove_sidecar(&path).unwrap();
    assert_eq!(
        status_of(&path, false).unwrap(),
        kept,
        "{session} without it"
    );
    kept
}

fn partial(why: &[&str]) -> RecordingStatus {
    RecordingStatus::Partial {
        why: why.iter().map(|&reason| reason.to_owned()).collect(),
    }
}

#[test]
fn a_finished_recordings_sidecar_says_what_a_scan_of_the_file_says() {
    use TapeKind::{End, Gap, Page, Pointer};
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(
        dir,
        None,
        vec![
            taped("100000001", 1, Page, b"a"),
            taped("100000001", 2, Pointer, b"p"),
            taped("100000001", 3, End, b""),
            taped("100000002", 1, Page, b"a"),
            taped("100000002", 2, Gap, BEHIND.as_bytes()),
            taped("100000002", 3, Page, b"b"),
            taped("100000002", 4, Gap, BEHIND.as_bytes()),
            taped("100000002", 5, Page, b"c"),
            taped("100000002", 6, Gap, RESTARTED.as_bytes()),
            taped("100000002", 7, Page, b"d"),
            taped("100000002", 8, End, b""),
            taped("100000003", 1, Page, b"a"),
            taped("100000003", 2, End, RESTARTED.as_bytes()),
            taped("100000004", 1, Page, b"a"),
            taped("100000005", 1, End, b""),
        ],
    );
    assert_eq!(agreed(dir, "100000001"), RecordingStatus::Complete);
    assert_eq!(agreed(dir, "100000002"), partial(&[BEHIND, RESTARTED]));
    assert_eq!(agreed(dir, "100000003"), partial(&[RESTARTED]));

    let stopped = path_of(dir, "100000004");
    assert!(!sidecar_path(&stopped).exists(), "a file without its end");
    assert_eq!(status_of(&stopped, false).unwrap(), partial(&[STOPPED]));
    assert_eq!(
        status_of(&stopped, true).unwrap(),
        RecordingStatus::Recording
    );
    assert!(
        !path_of(dir, "100000005").exists(),
        "an end alone makes no file"
    );
}

#[test]
fn a_recording_reopened_after_a_restart_is_scanned_once_at_its_end_and_agrees() {
    use TapeKind::{End, Gap, Page};
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    drop(write(
        dir,
        None,
        vec![
            taped("200000001", 1, Page, b"a"),
            taped("200000001", 2, Gap, BEHIND.as_bytes()),
            taped("200000001", 3, Page, b"b"),
            taped("200000002", 1, Page, b"a"),
        ],
    ));
    write(
        dir,
        None,
        vec![
            taped("200000001", 10, Gap, RESTARTED.as_bytes()),
            taped("200000001", 11, Page, b"c"),
            taped("200000001", 12, End, b""),
            taped("200000002", 10, End, RESTARTED.as_bytes()),
        ],
    );
    assert_eq!(agreed(dir, "200000001"), partial(&[BEHIND, RESTARTED]));
    assert_eq!(agreed(dir, "200000002"), partial(&[RESTARTED]));
}

#[test]
fn a_sidecar_is_read_only_while_it_describes_the_file_as_it_is() {
    use TapeKind::{End, Page};
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(
        dir,
        None,
        vec![
            taped("300000001", 1, Page, b"a"),
            taped("300000001", 2, End, b""),
        ],
    );
    let path = path_of(dir, "300000001");
    let length = fs::metadata(&path).unwrap().len();
    let marked = partial(&["said by the sidecar"]);
    write_sidecar(&path, &marked, length).unwrap();
    assert_eq!(status_of(&path, false).unwrap(), marked, "no scan");
    assert_eq!(
        status_of(&path, true).unwrap(),
        RecordingStatus::Recording,
        "a live session's file is scanned"
    );
    write_sidecar(&path, &marked, length + 1).unwrap();
    assert_eq!(status_of(&path, false).unwrap(), RecordingStatus::Complete);
    fs::write(sidecar_path(&path), b"{ not json").unwrap();
    assert_eq!(status_of(&path, false).unwrap(), RecordingStatus::Complete);

    write_sidecar(&path, &marked, length).unwrap();
    write(dir, None, vec![taped("300000001", 3, Page, b"b")]);
    assert!(
        !sidecar_path(&path).exists(),
        "a recording that goes on loses its sidecar"
    );
    assert_eq!(status_of(&path, false).unwrap(), partial(&[STOPPED]));
}

#[test]
fn an_older_duets_end_at_a_stop_is_no_end_when_the_recording_goes_on() {
    use TapeKind::{End, Gap, Page};
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let path = path_of(dir, "400000001");
    let mut bytes = MAGIC.to_vec();
    let at = Timestamp::from_unix_millis;
    encode(at(1), Page, b"a", &mut bytes);
    encode(at(2), End, b"", &mut bytes);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, &bytes).unwrap();
    assert_eq!(status_of(&path, false).unwrap(), RecordingStatus::Complete);
    write(
        dir,
        None,
        vec![
            taped("400000001", 10, Gap, RESTARTED.as_bytes()),
            taped("400000001", 11, Page, b"b"),
        ],
    );
    assert_eq!(status_of(&path, true).unwrap(), partial(&[RESTARTED]));
    assert_eq!(
        status_of(&path, false).unwrap(),
        partial(&[RESTARTED, STOPPED]),
        "the end in the middle does not end it"
    );
    write(dir, None, vec![taped("400000001", 12, End, b"")]);
    assert_eq!(agreed(dir, "400000001"), partial(&[RESTARTED]));
}

#[test]
fn recordings_past_retention_are_deleted_with_their_sidecars_and_newer_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let day = Duration::from_secs(24 * 3600);
    let old = path_of(dir.path(), "111111111");
    let new = path_of(dir.path(), "222222222");
    let orphan = path_of(dir.path(), "333333333");
    for path in [&old, &new] {
        drop(open_file(path, true).unwrap());
        write_sidecar(path, &RecordingStatus::Complete, 8).unwrap();
    }
    write_sidecar(&orphan, &RecordingStatus::Complete, 8).unwrap();
    for path in [old.clone(), sidecar_path(&old), sidecar_path(&orphan)] {
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(now - 91 * day)
            .unwrap();
    }
    assert_eq!(prune(dir.path(), 90 * day, now).unwrap(), 1);
    assert!(!old.exists());
    assert!(
        !sidecar_path(&old).exists(),
        "the sidecar goes with its file"
    );
    assert!(!sidecar_path(&orphan).exists(), "and one without a file");
    assert!(new.exists());
    assert!(sidecar_path(&new).exists());
    assert_eq!(status_of(&new, false).unwrap(), RecordingStatus::Complete);
    assert_eq!(prune(&dir.path().join("none"), day, now).unwrap(), 0);
}

#[tokio::test]
async fn a_flush_answers_once_everything_sent_before_it_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (deck, receiver) = crate::engine::TapeDeck::new(Arc::new(|_| true));
    let writer = spawn_writer(dir.path().to_owned(), receiver).unwrap();
    let mut tape = deck.tape(&TenantId::default(), "123456789").unwrap();
    let snapshot = crate::engine::Frame::Binary(Bytes::from_static(&[1, 7, 7, 7]));
    tape.page(Timestamp::from_unix_millis(5), &snapshot, true);
    deck.flush().await;
    let written = std::fs::metadata(path_of(dir.path(), "123456789")).unwrap();
    assert!(
        written.len() > MAGIC.len() as u64,
        "the snapshot is written before the flush answers"
    );
    drop((tape, deck));
    writer.join().unwrap();
}
