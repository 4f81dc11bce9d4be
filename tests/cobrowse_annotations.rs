//! An agent's annotations, tried as each participant would: an agent who sees the page shows a
//! highlight or a stroke in pointer mode and the customer receives it with the agent's handle;
//! the customer cannot send one; a waiting agent's annotation reaches nobody; a malformed one is
//! refused with what it needs.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{App, Socket, spawn};

/// A session with Ann joined and both sockets past their first messages.
async fn session_with_ann(app: &App) -> (String, Socket, Socket) {
    let (id, _, customer, ann) = app.session_with_ann("conv-annotations").await;
    (id, customer, ann)
}

#[tokio::test]
async fn an_agent_highlights_in_pointer_mode_and_the_customer_gets_it_with_the_agents_handle() {
    let app = spawn().await;
    let (_, mut customer, mut ann) = session_with_ann(&app).await;
    let highlight = json!({ "kind": "highlight", "id": 1, "node": 42 });
    ann.send(json!({ "type": "annotate", "annotation": highlight }))
        .await;
    let got = customer.next_of("annotate").await;
    assert_eq!(got["annotation"], highlight);
    assert_eq!(
        got["from"].as_str().unwrap().len(),
        12,
        "a handle, never the agent's id"
    );

    ann.send(json!({ "type": "annotate", "annotation": { "kind": "stroke", "id": 2, "shape": "free", "points": [1, 2, 3] } }))
        .await;
    let refused = ann.next_of("error").await;
    assert!(
        refused["message"].as_str().unwrap().contains("x, y pairs"),
        "{refused}"
    );
}

#[tokio::test]
async fn the_customer_cannot_annotate_and_a_waiting_agents_annotation_reaches_nobody() {
    let app = spawn().await;
    let (id, mut customer, _ann) = session_with_ann(&app).await;
    customer
        .send(json!({ "type": "annotate", "annotation": { "kind": "clear" } }))
        .await;
    let refused = customer.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("only an agent")
    );

    let bo_token = app.sign_in("Bo").await;
    let (_, joined) = app.join(&bo_token, &id).await;
    let mut bo = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(bo.next_of("consent").await["state"], "waiting");
    bo.send(
        json!({ "type": "annotate", "annotation": { "kind": "highlight", "id": 1, "node": 7 } }),
    )
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(500);
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, customer.next()).await {
        assert_ne!(
            message["type"], "annotate",
            "a waiting agent's annotation arrived: {message}"
        );
    }
}
