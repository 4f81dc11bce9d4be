//! Session recordings, over real sockets: what agents saw (the tab in front's page changes
//! from the first full snapshot, pointers, annotations) is kept byte for byte in the session's
//! file, which reads back whole and complete once the session ends; a tenant that does not
//! record keeps nothing. A session live when the real binary stops (SIGTERM) goes on being
//! recorded after the restart, and its recording is partial, saying why.

mod process_support;
mod support;

use std::time::Duration;

use duet::config::Config;
use duet::engine::{TapeKind, TenantId};
use duet::recording::{RecordingStatus, read_chunk, recording_path, scan, sidecar_path, status_of};
use process_support::Duet;
use serde_json::json;
use support::{App, Socket, connect, joined_on, spawn, spawn_with};

fn path_of(app: &App, id: &str) -> std::path::PathBuf {
    let dir = app
        .state
        .service
        .recordings
        .clone()
        .expect("recordings are kept");
    recording_path(&dir, &TenantId::default(), id)
}

/// Waits until the writer has closed the recording of an ended session.
async fn finished(app: &App, id: &str) -> RecordingStatus {
    let path = path_of(app, id);
    for _ in 0..100 {
        match status_of(&path, false).unwrap() {
            RecordingStatus::Partial { why }
                if why.iter().any(|w| w.contains("stopped before")) => {}
            RecordingStatus::Absent => {}
            done => return done,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    status_of(&path, false).unwrap()
}

#[tokio::test]
async fn what_the_agent_saw_is_recorded_byte_for_byte_from_the_first_full_snapshot_to_the_end() {
    let app = spawn().await;
    let (id, _, mut customer, mut ann) = app.session_with_ann("conv-recorded").await;
    customer.send_binary(vec![0, 0xEE]).await;
    customer.send_binary(vec![1, 0xAA, 0xBB]).await;
    customer.send_binary(vec![0, 0xCC]).await;
    assert_eq!(ann.next_binary().await, vec![1, 0xAA, 0xBB]);
    customer.send_binary(vec![2, 0, 10, 0, 20, 0]).await;
    let highlight = json!({ "kind": "highlight", "id": 1, "node": 42 });
    ann.send(json!({ "type": "annotate", "annotation": highlight }))
        .await;
    customer.next_of("annotate").await;
    customer.send(json!({ "type": "end" })).await;
    customer.state("ended").await;

    assert_eq!(finished(&app, &id).await, RecordingStatus::Complete);
    let chunk = read_chunk(&path_of(&app, &id), 0, 1 << 20).unwrap();
    let kinds: Vec<TapeKind> = chunk.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            TapeKind::Page,
            TapeKind::Page,
            TapeKind::Pointer,
            TapeKind::Message,
            TapeKind::End
        ],
        "the partial frame before the first full one is not kept"
    );
    assert_eq!(&chunk.entries[0].payload[..], &[1, 0xAA, 0xBB]);
    assert_eq!(&chunk.entries[1].payload[..], &[0, 0xCC]);
    let annotation: serde_json::Value = serde_json::from_slice(&chunk.entries[3].payload).unwrap();
    assert_eq!(annotation["annotation"], highlight);
    assert!(chunk.at_end);

    let first = read_chunk(&path_of(&app, &id), 0, 1).unwrap();
    assert_eq!(
        first.entries,
        chunk.entries[..1],
        "a chunk holds at least one entry"
    );
    let second = read_chunk(&path_of(&app, &id), first.next, 1).unwrap();
    assert_eq!(
        second.entries,
        chunk.entries[1..2],
        "and the next chunk goes on from it"
    );
}

#[tokio::test]
async fn a_tenant_that_does_not_record_keeps_nothing_and_nobody_watching_records_nothing() {
    let mut config = Config::default();
    config.policy.record_sessions = false;
    let app = spawn_with(config).await;
    let (id, _, mut customer, _ann) = app.session_with_ann("conv-unrecorded").await;
    customer.send_binary(vec![1, 0xAA]).await;
    customer.send(json!({ "type": "end" })).await;
    customer.state("ended").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        status_of(&path_of(&app, &id), false).unwrap(),
        RecordingStatus::Absent
    );

    let app = spawn().await;
    let (id, token) = app.start_session(Some("conv-alone")).await;
    let mut alone = app.socket(&token).await;
    alone.next_of("welcome").await;
    alone.send_binary(vec![1, 0xAA]).await;
    alone.send(json!({ "type": "end" })).await;
    alone.state("ended").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        status_of(&path_of(&app, &id), false).unwrap(),
        RecordingStatus::Absent,
        "nothing is recorded before an agent watches"
    );
}

const RESTARTED: &str = "Duet stopped and started again";

/// On the binary: a session Ann watches, whose first full snapshot is in its file. Returns its
/// id, the customer's and Ann's session tokens, both sockets, and the file.
async fn recorded_on(
    duet: &Duet,
    dir: &std::path::Path,
) -> (String, String, String, Socket, Socket, std::path::PathBuf) {
    let (id, customer_token, agent_token, mut customer, mut ann) =
        joined_on(&duet.base, duet.addr).await;
    customer.next_of("snapshot_needed").await;
    customer.send_binary(vec![1, 0xAA]).await;
    assert_eq!(ann.next_binary().await, vec![1, 0xAA]);
    let file = recording_path(&dir.join("recordings"), &TenantId::default(), &id);
    for _ in 0..100 {
        if file.exists() && !read_chunk(&file, 0, 1 << 20).unwrap().entries.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (id, customer_token, agent_token, customer, ann, file)
}

/// Stops the binary with SIGTERM and waits for both sockets to close.
async fn stopped(duet: Duet, customer: &mut Socket, ann: &mut Socket) {
    duet.stop();
    while customer.next().await.is_some() {}
    while ann.next().await.is_some() {}
}

/// Waits for the writer to finish the file (its sidecar), then checks a scan agrees.
async fn finished_beside(file: &std::path::Path) -> RecordingStatus {
    for _ in 0..100 {
        if sidecar_path(file).exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        sidecar_path(file).exists(),
        "the finished file has its status beside it"
    );
    let status = status_of(file, false).unwrap();
    assert_eq!(
        status,
        scan(file, false).unwrap(),
        "the sidecar says what the file says"
    );
    status
}

fn kinds(file: &std::path::Path) -> Vec<TapeKind> {
    let chunk = read_chunk(file, 0, 1 << 20).unwrap();
    chunk.entries.iter().map(|entry| entry.kind).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_live_when_duet_stops_is_recorded_on_after_the_restart_and_is_partial_saying_why()
{
    let dir = tempfile::tempdir().unwrap();
    let first = Duet::start(dir.path(), &[]);
    let (id, customer_token, agent_token, mut customer, mut ann, file) =
        recorded_on(&first, dir.path()).await;
    stopped(first, &mut customer, &mut ann).await;
    assert_eq!(kinds(&file), [TapeKind::Page], "stopping is no end");
    assert!(!sidecar_path(&file).exists());

    let second = Duet::start(dir.path(), &[]);
    let mut customer = connect(second.addr, &customer_token).await;
    assert_eq!(customer.next_of("welcome").await["session_id"], id.as_str());
    let mut ann = connect(second.addr, &agent_token).await;
    customer.next_of("snapshot_needed").await;
    assert_eq!(
        status_of(&file, true).unwrap(),
        RecordingStatus::Recording,
        "the gap is taped with the next full snapshot"
    );
    customer.send_binary(vec![1, 0xBB]).await;
    assert_eq!(ann.next_binary().await, vec![1, 0xBB]);
    customer.send(json!({ "type": "end" })).await;
    ann.state("ended").await;

    let status = finished_beside(&file).await;
    assert_eq!(
        status,
        RecordingStatus::Partial {
            why: vec![RESTARTED.to_owned()]
        }
    );
    assert_eq!(
        kinds(&file),
        [TapeKind::Page, TapeKind::Gap, TapeKind::Page, TapeKind::End],
        "read whole, across the restart, with one end"
    );
    let chunk = read_chunk(&file, 0, 1 << 20).unwrap();
    assert_eq!(&chunk.entries[2].payload[..], &[1, 0xBB]);
    assert!(chunk.at_end);
    second.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_that_ends_after_the_restart_with_nothing_more_seen_is_partial_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let first = Duet::start(dir.path(), &[]);
    let (_, customer_token, _, mut customer, mut ann, file) = recorded_on(&first, dir.path()).await;
    stopped(first, &mut customer, &mut ann).await;

    let second = Duet::start(dir.path(), &[]);
    let mut customer = connect(second.addr, &customer_token).await;
    customer.next_of("welcome").await;
    customer.send(json!({ "type": "end" })).await;
    customer.state("ended").await;

    let status = finished_beside(&file).await;
    assert_eq!(
        status,
        RecordingStatus::Partial {
            why: vec![RESTARTED.to_owned()]
        }
    );
    assert_eq!(kinds(&file), [TapeKind::Page, TapeKind::End]);
    second.stop();
}
