//! The customer's tabs, tried over real sockets: a second tab of the same session waits in the
//! back until it says it is in front; then agents are told of the switch, the old tab stands
//! by, and only the tab in front is relayed; closing it shows the other; an agent cannot
//! bring anything to the front.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{App, Socket, spawn};

/// A session with Ann watching and the customer's first tab connected.
async fn watched(app: &App) -> (String, Socket, Socket) {
    let (_, token, first, ann) = app.session_with_ann("conv-tabs").await;
    (token, first, ann)
}

fn page(text: &str) -> serde_json::Value {
    json!({ "type": "dom", "full": true, "events": [{ "type": 4, "data": { "href": text } }] })
}

/// Nothing of `kind` arrives within half a second.
async fn quiet(socket: &mut Socket, kind: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(500);
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, socket.next()).await {
        assert_ne!(message["type"], kind, "unexpected {message}");
    }
}

#[tokio::test]
async fn a_second_tab_is_shown_once_in_front_and_the_first_then_stands_by() {
    let app = spawn().await;
    let (token, mut first, mut ann) = watched(&app).await;
    let mut second = app.socket(&token).await;
    second.next_of("welcome").await;
    while ann.next_of("state").await["customer_tabs"] != 2 {}

    second.send(page("https://shop.example/back")).await;
    quiet(&mut ann, "dom").await;

    second.send(json!({ "type": "front" })).await;
    second.next_of("snapshot_needed").await;
    assert!(
        first.next_of("standby").await["message"]
            .as_str()
            .unwrap()
            .contains("other tab")
    );
    let switched = ann.next_of("tab_switched").await;
    assert_eq!(switched["tabs"], 2);
    assert!(switched["message"].as_str().unwrap().contains("switched"));

    first.send(page("https://shop.example/old")).await;
    second.send(page("https://shop.example/front")).await;
    let shown = ann.next_of("dom").await;
    assert_eq!(
        shown["events"][0]["data"]["href"],
        "https://shop.example/front"
    );

    drop(second);
    let closed = ann.next_of("tab_switched").await;
    assert_eq!(closed["tabs"], 1);
    assert!(closed["message"].as_str().unwrap().contains("closed"));
    first.next_of("snapshot_needed").await;
}

#[tokio::test]
async fn an_agent_cannot_bring_a_tab_to_the_front() {
    let app = spawn().await;
    let (_, _first, mut ann) = watched(&app).await;
    ann.send(json!({ "type": "front" })).await;
    let refused = ann.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("only the customer's tabs")
    );
}
