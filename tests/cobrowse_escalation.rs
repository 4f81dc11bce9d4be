//! Screen sharing from inside a co-browse session: agents show their screen, ask the customer to
//! show theirs, take over from one another, and stopping leaves the co-browse running.

mod support;

use serde_json::{Value, json};
use support::{App, Socket, spawn};

async fn agent_in(app: &App, id: &str, name: &str) -> Socket {
    let token = app.sign_in(name).await;
    let (status, joined) = app.join(&token, id).await;
    assert_eq!(status, 200, "{joined}");
    let mut socket = app.socket(joined["token"].as_str().unwrap()).await;
    socket.state("active").await;
    socket
}

async fn shown(socket: &mut Socket) -> Value {
    socket.next_of("screen_shown").await
}

#[tokio::test]
async fn an_agent_shares_and_stops_and_the_co_browse_is_still_active_afterwards() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let mut ann = agent_in(&app, &id, "Ann").await;

    ann.send(json!({"type": "share_start"})).await;
    let started = shown(&mut customer).await;
    assert_eq!(
        (started["sharer"].as_str(), started["name"].as_str()),
        (Some("agent"), Some("Ann"))
    );
    ann.send(json!({"type": "signal", "data": {"sdp": "offer-from-ann"}}))
        .await;
    assert_eq!(
        customer.next_of("signal").await["data"]["sdp"],
        "offer-from-ann"
    );

    ann.send(json!({"type": "share_stop"})).await;
    assert_eq!(shown(&mut customer).await["sharer"], Value::Null);
    customer.send(json!({"type": "ping"})).await;
    customer.next_of("pong").await;
    let session = app.session(&id).await;
    assert_eq!(
        session.state(),
        duet::engine::State::Active,
        "stopping the share must not end the co-browse"
    );
}

#[tokio::test]
async fn a_second_agent_who_starts_sharing_takes_over_and_the_first_is_told() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let mut ann = agent_in(&app, &id, "Ann").await;
    let mut bo = app.admit_another_agent(&mut customer, &id, "Bo").await;

    ann.send(json!({"type": "share_start"})).await;
    assert_eq!(shown(&mut customer).await["name"], "Ann");
    bo.send(json!({"type": "share_start"})).await;
    let taken = ann.next_of("share_taken_over").await;
    assert!(
        taken["message"]
            .as_str()
            .unwrap()
            .contains("Another agent is sharing their screen")
    );
    assert_eq!(shown(&mut customer).await["name"], "Bo");
    ann.send(json!({"type": "share_stop"})).await;
    bo.send(json!({"type": "ping"})).await;
    bo.next_of("pong").await;
    let session = app.session(&id).await;
    assert!(
        session.sharer().is_some(),
        "Ann's stop must not end Bo's share"
    );
}

#[tokio::test]
async fn an_agent_asks_the_customer_to_share_and_the_customer_needs_no_key() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let mut ann = agent_in(&app, &id, "Ann").await;

    ann.send(json!({"type": "share_request"})).await;
    assert_eq!(
        customer.next_of("share_requested").await["agent_name"],
        "Ann"
    );
    customer.send(json!({"type": "share_start"})).await;
    assert_eq!(shown(&mut ann).await["sharer"], "customer");
    customer.send(json!({"type": "share_stop"})).await;
    assert_eq!(shown(&mut ann).await["sharer"], Value::Null);
    customer.send(json!({"type": "share_request"})).await;
    assert!(
        customer.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("only an agent")
    );
}
