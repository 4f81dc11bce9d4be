//! What a tenant's policy and the four-session grid add to supervisors, over real sockets: a
//! customer's consent before a supervisor watches (when the policy says so), a supervisor
//! stepping in as an agent only with the customer's consent, at most four sessions watched at
//! once, and agents replaying recordings only when their tenant grants it.

mod support;

use duet::config::Config;
use serde_json::{Value, json};
use support::{App, spawn, spawn_with};

async fn audit_actions(app: &App, id: &str) -> Vec<String> {
    let query = duet::store::AuditQuery {
        session: Some(id.to_owned()),
        limit: 100,
        ..Default::default()
    };
    let trail = app.state.service.store.audit(&query).await.unwrap();
    trail.into_iter().map(|record| record.action).collect()
}

async fn ask(app: &App, id: &str, what: &str, token: &str) -> (u16, Value) {
    let path = format!("/api/supervisor/sessions/{id}/{what}");
    app.post(&path, Some(token), json!({})).await
}

/// The next `state` the customer gets that lists `name` as asking, as the customer sees it.
async fn request_of(customer: &mut support::Socket, name: &str) -> Value {
    loop {
        let state = customer.next_of("state").await;
        let requests = state["join_requests"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if let Some(request) = requests.into_iter().find(|r| r["name"] == name) {
            return request;
        }
    }
}

fn consenting() -> Config {
    let mut config = Config::default();
    config.policy.watch_needs_consent = true;
    config
}

#[tokio::test]
async fn with_the_consent_policy_a_supervisor_sees_nothing_until_the_customer_allows_watching() {
    let app = spawn_with(consenting()).await;
    let (id, _, mut customer, mut ann) = app.session_with_ann("conv-consent").await;
    let sue = app.supervisor("Sue").await;
    let (status, watching) = ask(&app, &id, "watch", &sue).await;
    assert_eq!(status, 200, "{watching}");
    assert_eq!(watching["admitted"], false);
    let mut watcher = app.socket(watching["token"].as_str().unwrap()).await;
    assert_eq!(watcher.next_of("consent").await["state"], "waiting");

    let request = request_of(&mut customer, "Sue").await;
    assert_eq!(request["ask"], "watch");
    customer.send_binary(vec![1, 0x01]).await;
    assert_eq!(ann.next_binary().await, vec![1, 0x01]);
    customer
        .send(json!({ "type": "join_answer", "agent": request["agent"], "approved": true }))
        .await;
    assert_eq!(watcher.next_of("consent").await["state"], "allowed");
    customer.next_of("snapshot_needed").await;
    customer.send_binary(vec![1, 0x02]).await;
    assert_eq!(
        watcher.next_binary().await,
        vec![1, 0x02],
        "the first page the supervisor gets is the one sent after the customer allowed it"
    );

    let actions = audit_actions(&app, &id).await;
    for action in [
        "session.watch_requested",
        "session.watch_allowed",
        "session.watched",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_supervisor_the_customer_turned_away_cannot_watch_with_the_token_they_got() {
    let app = spawn_with(consenting()).await;
    let (id, _, mut customer, _ann) = app.session_with_ann("conv-turned-away").await;
    let sue = app.supervisor("Sue").await;
    let (_, watching) = ask(&app, &id, "watch", &sue).await;
    let token = watching["token"].as_str().unwrap().to_owned();
    let mut watcher = app.socket(&token).await;
    assert_eq!(watcher.next_of("consent").await["state"], "waiting");
    let request = request_of(&mut customer, "Sue").await;
    customer
        .send(json!({ "type": "join_answer", "agent": request["agent"], "approved": false }))
        .await;
    assert_eq!(watcher.next_of("consent").await["state"], "denied");

    let mut again = app.socket(&token).await;
    assert_eq!(
        again.close_code().await,
        Some(duet::web::protocol::close::NOT_ALLOWED)
    );
    assert!(
        audit_actions(&app, &id)
            .await
            .iter()
            .any(|a| a == "session.watch_denied")
    );
}

#[tokio::test]
async fn without_the_policy_a_supervisor_watches_at_once() {
    let app = spawn().await;
    let (id, _, _customer, _ann) = app.session_with_ann("conv-no-consent").await;
    let sue = app.supervisor("Sue").await;
    let (status, watching) = ask(&app, &id, "watch", &sue).await;
    assert_eq!(status, 200, "{watching}");
    assert_eq!(watching["admitted"], true);
}

#[tokio::test]
async fn a_supervisor_steps_in_as_an_agent_only_once_the_customer_allows_it() {
    let app = spawn().await;
    let (id, _, mut customer, _ann) = app.session_with_ann("conv-step-in").await;
    let sue = app.supervisor("Sue").await;
    let (status, joined) = ask(&app, &id, "step-in", &sue).await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(
        joined["admitted"], false,
        "stepping in always asks the customer"
    );
    let mut console = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(console.next_of("welcome").await["role"], "agent");
    assert_eq!(console.next_of("consent").await["state"], "waiting");

    let request = request_of(&mut customer, "Sue").await;
    assert_eq!(request["ask"], "step_in");
    customer
        .send(json!({ "type": "join_answer", "agent": request["agent"], "approved": true }))
        .await;
    assert_eq!(console.next_of("consent").await["state"], "allowed");
    customer.next_of("snapshot_needed").await;
    customer.send_binary(vec![1, 0x03]).await;
    assert_eq!(console.next_binary().await, vec![1, 0x03]);
    let sue_agent = duet::engine::AgentId(sue_id(&app, &sue));
    assert!(app.session(&id).await.has_agent(&sue_agent));
    let actions = audit_actions(&app, &id).await;
    assert!(
        actions.iter().any(|a| a == "session.step_in_requested"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "session.join_allowed"),
        "{actions:?}"
    );

    let agent = app.sign_in("Ann").await;
    let (status, _) = ask(&app, &id, "step-in", &agent).await;
    assert_eq!(status, 403, "an agent cannot step in as a supervisor");
}

/// The agent id inside a sign-in token (its subject).
fn sue_id(app: &App, token: &str) -> String {
    let claims = app
        .state
        .tokens
        .verify_role(token, duet::web::tokens::TokenRole::Agent)
        .unwrap();
    claims.sub
}

/// Live session number `n`, with its customer and its own agent connected.
async fn live_session(app: &App, n: usize) -> (String, support::Socket, support::Socket) {
    let (id, customer_token) = app.start_session(Some(&format!("conv-grid-{n}"))).await;
    let customer = app.socket(&customer_token).await;
    let agent = app.sign_in(&format!("Agent {n}")).await;
    let (status, joined) = app.join(&agent, &id).await;
    assert_eq!(status, 200, "{joined}");
    let agent = app.socket(joined["token"].as_str().unwrap()).await;
    (id, customer, agent)
}

#[tokio::test]
async fn a_supervisor_watches_at_most_four_sessions_at_once() {
    let app = spawn().await;
    let sue = app.supervisor("Sue").await;
    let mut kept = Vec::new();
    let mut watchers = Vec::new();
    for n in 0..4 {
        let session = live_session(&app, n).await;
        let (status, watching) = ask(&app, &session.0, "watch", &sue).await;
        assert_eq!(status, 200, "{watching}");
        let token = watching["token"].as_str().unwrap().to_owned();
        let mut watcher = app.socket(&token).await;
        watcher.next_of("welcome").await;
        watchers.push((token, watcher));
        kept.push(session);
    }
    let (id, _customer, _agent) = live_session(&app, 4).await;
    let (status, refused) = ask(&app, &id, "watch", &sue).await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("close one"),
        "{refused}"
    );

    let (closed_token, closed) = watchers.pop().unwrap();
    drop(closed);
    let mut allowed = None;
    for _ in 0..250 {
        let (status, watching) = ask(&app, &id, "watch", &sue).await;
        if status == 200 {
            allowed = Some(watching);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let allowed = allowed.expect("closing one tile makes room for another");
    let mut fifth = app.socket(allowed["token"].as_str().unwrap()).await;
    fifth.next_of("welcome").await;

    let mut reopened = app.socket(&closed_token).await;
    assert_eq!(
        reopened.close_code().await,
        Some(duet::web::protocol::close::OCCUPIED),
        "a token kept from before cannot open a fifth view"
    );
}

#[tokio::test]
async fn agents_replay_recordings_only_when_their_tenant_grants_it() {
    let app = spawn().await;
    let (id, _, _customer, _ann) = app.session_with_ann("conv-grant-off").await;
    let agent = app.sign_in("Ann").await;
    let (status, body) = app.get("/api/supervisor/sessions", Some(&agent)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Duet.Supervisor"), "{body}");
    let (status, _) = app
        .get(
            &format!("/api/supervisor/sessions/{id}/recording"),
            Some(&agent),
        )
        .await;
    assert_eq!(status, 403);

    let mut config = Config::default();
    config.policy.agents_see_recordings = true;
    let granted = spawn_with(config).await;
    let (id, _, mut customer, _ann) = granted.session_with_ann("conv-grant-on").await;
    customer.send_binary(vec![1, 0x04]).await;
    let agent = granted.sign_in("Ann").await;
    let (status, body) = granted.get("/api/supervisor/sessions", Some(&agent)).await;
    assert_eq!(status, 200, "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list["mayWatch"], false);
    assert!(
        list["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["sessionId"] == id)
    );
    let (status, _) = granted
        .get(
            &format!("/api/supervisor/sessions/{id}/audit"),
            Some(&agent),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = ask(&granted, &id, "watch", &agent).await;
    assert_eq!(
        status, 403,
        "the grant is for recordings, not live watching"
    );
}

#[tokio::test]
async fn stepping_into_a_session_no_agent_holds_still_asks_the_customer_and_closing_withdraws_it() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(Some("conv-step-in-idle")).await;
    let mut customer = app.socket(&customer_token).await;
    let sue = app.supervisor("Sue").await;
    let (status, joined) = ask(&app, &id, "step-in", &sue).await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(joined["admitted"], false);
    let mut console = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(console.next_of("consent").await["state"], "waiting");
    assert_eq!(request_of(&mut customer, "Sue").await["ask"], "step_in");

    drop(console);
    loop {
        let state = customer.next_of("state").await;
        if state["join_requests"] == json!([]) {
            break;
        }
    }
    assert!(
        !app.session(&id)
            .await
            .is_waiting(&duet::engine::AgentId(sue_id(&app, &sue)))
    );
}

#[tokio::test]
async fn a_supervisor_the_customer_lets_step_into_an_idle_session_makes_it_active() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(Some("conv-step-in-active")).await;
    let mut customer = app.socket(&customer_token).await;
    let sue = app.supervisor("Sue").await;
    let (_, joined) = ask(&app, &id, "step-in", &sue).await;
    let mut console = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(console.next_of("consent").await["state"], "waiting");
    let request = request_of(&mut customer, "Sue").await;
    customer
        .send(json!({ "type": "join_answer", "agent": request["agent"], "approved": true }))
        .await;
    assert_eq!(console.next_of("consent").await["state"], "allowed");
    console.state("active").await;
    assert_eq!(app.session(&id).await.state(), duet::engine::State::Active);
}
