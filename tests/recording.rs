//! Session recordings, over real sockets: what agents saw (the tab in front's page changes
//! from the first full snapshot, pointers, annotations) is kept byte for byte in the session's
//! file, which reads back whole and complete once the session ends; a tenant that does not
//! record keeps nothing.

mod support;

use std::time::Duration;

use duet::config::Config;
use duet::engine::{TapeKind, TenantId};
use duet::recording::{RecordingStatus, read_chunk, recording_path, status_of};
use serde_json::json;
use support::{App, spawn, spawn_with};

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
