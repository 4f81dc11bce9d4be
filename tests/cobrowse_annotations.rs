//! An agent's annotations, tried as each participant would: an agent who sees the page shows a
//! highlight or a stroke in pointer mode and the customer receives it with the agent's handle;
//! a stroke streams in parts and cannot grow past 1,000 points; the customer cannot send one,
//! nor a laser pointer frame; a waiting agent's annotation reaches nobody; a malformed one is
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

/// Fails if an `annotate` message reaches `customer` within `ms` milliseconds.
async fn no_annotation_within(customer: &mut Socket, ms: u64, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, customer.next()).await {
        assert_ne!(message["type"], "annotate", "{what} arrived: {message}");
    }
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
    no_annotation_within(&mut customer, 500, "a waiting agent's annotation").await;
}

#[tokio::test]
async fn a_stroke_streams_in_parts_and_a_part_past_a_thousand_points_is_refused() {
    let app = spawn().await;
    let (_, mut customer, mut ann) = session_with_ann(&app).await;
    let start =
        json!({ "kind": "stroke", "id": 3, "shape": "free", "points": [1.5, 2.0, 3.0, 4.0] });
    let more = json!({ "kind": "stroke", "id": 3, "shape": "free", "points": [5.0, 6.5], "offset": 2, "pinned": true });
    for part in [&start, &more] {
        ann.send(json!({ "type": "annotate", "annotation": part }))
            .await;
        assert_eq!(customer.next_of("annotate").await["annotation"], *part);
    }

    // An attacker's console appends to the same stroke from near its end, over and over.
    let past = json!({ "kind": "stroke", "id": 3, "shape": "free", "points": [7, 8, 9, 10], "offset": 999 });
    ann.send(json!({ "type": "annotate", "annotation": past }))
        .await;
    let refused = ann.next_of("error").await;
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("1,000") && message.contains("start a new stroke"),
        "{refused}"
    );
    no_annotation_within(&mut customer, 300, "a refused part").await;
}

#[tokio::test]
async fn a_customers_laser_frame_is_refused_and_an_agents_reaches_the_customer_as_a_laser() {
    let app = spawn().await;
    let (_, mut customer, mut ann) = session_with_ann(&app).await;
    // The customer's page, rewritten by an attacker, points with the laser (byte 0 = 6).
    customer.send_binary(vec![6, 0, 10, 0, 20, 0]).await;
    let refused = customer.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("only an agent points with the laser"),
        "{refused}"
    );
    customer.send_binary(vec![2, 0, 11, 0, 21, 0]).await;
    assert_eq!(
        ann.next_binary().await,
        vec![2, 0, 11, 0, 21, 0],
        "the agent sees the plain pointer, never the refused laser"
    );

    ann.send_binary(vec![6, 0, 30, 0, 40, 0]).await;
    assert_eq!(
        customer.next_binary().await,
        vec![6, 1, 30, 0, 40, 0],
        "the laser keeps its bit, with the agent written in as the sender"
    );
}
