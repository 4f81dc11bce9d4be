//! A supervisor watching a live session, over real sockets: let in by the supervisor API, their
//! socket gets the page from a fresh snapshot and the customer hears who watches; whatever the
//! supervisor sends is refused, and another tenant's supervisor cannot watch.

mod support;

use serde_json::json;
use support::spawn;

#[tokio::test]
async fn a_supervisor_watches_from_a_fresh_snapshot_the_customer_is_told_and_nothing_they_send_passes()
 {
    let app = spawn().await;
    let (id, _, mut customer, mut ann) = app.session_with_ann("conv-watched").await;
    let sue = app.supervisor("Sue").await;
    let (status, watching) = app
        .post(
            &format!("/api/supervisor/sessions/{id}/watch"),
            Some(&sue),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{watching}");
    let mut watcher = app.socket(watching["token"].as_str().unwrap()).await;
    assert_eq!(watcher.next_of("welcome").await["role"], "supervisor");
    loop {
        let state = customer.next_of("state").await;
        if state["watchers"] == json!(["Sue"]) {
            break;
        }
    }
    customer.next_of("snapshot_needed").await;
    customer.send_binary(vec![1, 0xAA]).await;
    assert_eq!(watcher.next_binary().await, vec![1, 0xAA]);
    assert_eq!(ann.next_binary().await, vec![1, 0xAA]);

    watcher
        .send(json!({ "type": "annotate", "annotation": { "kind": "clear" } }))
        .await;
    let refused = watcher.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("supervisor watches")
    );
    watcher.send_binary(vec![2, 0, 10, 0, 10, 0]).await;
    watcher.next_of("error").await;

    let trail = app
        .state
        .service
        .store
        .audit(&duet::store::AuditQuery {
            session: Some(id.clone()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(trail.iter().any(|r| r.action == "session.watched"));

    let other = app.entra_user("fabrikam", "Sam", "Duet.Supervisor");
    let (status, _) = app
        .post(
            &format!("/api/supervisor/sessions/{id}/watch"),
            Some(&other),
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
    let ann_token = app.sign_in("Ann").await;
    let (status, _) = app
        .post(
            &format!("/api/supervisor/sessions/{id}/watch"),
            Some(&ann_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 403, "an agent cannot watch as a supervisor");
}
