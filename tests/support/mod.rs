//! Shared test support: a Duet service on a random loopback port, and small HTTP/WebSocket clients.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use duet::config::Config;
use duet::web::Server;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// A running service and its base URL.
pub struct App {
    pub base: String,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub state: duet::web::AppState,
    /// The data directory made for this app, if it was not given one.
    _data: Option<tempfile::TempDir>,
}

/// Starts Duet on 127.0.0.1:0 with `config`; unless it names a data directory or database of its
/// own, the store is an in-memory SQLite database of this app alone.
pub async fn spawn_with(mut config: Config) -> App {
    let default_dir = std::path::Path::new(duet::config::DEFAULT_DATA_DIR);
    if config.database_url.is_none() && config.data_dir == default_dir {
        config.database_url = Some("sqlite::memory:".to_owned());
    }
    // Recordings go under the data directory: one of this app's own, deleted with it.
    let data = (config.data_dir == default_dir).then(|| tempfile::tempdir().unwrap());
    if let Some(dir) = &data {
        config.data_dir = dir.path().to_owned();
    }
    let server = Server::bind(&config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    let state = server.state().clone();
    tokio::spawn(server.run(std::future::pending()));
    App {
        base: format!("http://{addr}"),
        addr,
        http: reqwest::Client::new(),
        state,
        _data: data,
    }
}

/// Starts Duet with default settings.
pub async fn spawn() -> App {
    spawn_with(Config::default()).await
}

impl App {
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> (u16, String) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Starts a customer session; returns (id, customer token).
    pub async fn start_session(&self, conversation: Option<&str>) -> (String, String) {
        let (status, body) = self
            .post(
                "/api/sessions",
                None,
                json!({ "conversationId": conversation }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (
            body["sessionId"].as_str().unwrap().to_owned(),
            body["token"].as_str().unwrap().to_owned(),
        )
    }

    /// Starts a session as a customer's browser on `origin` would; returns the answer.
    pub async fn start_session_from(&self, origin: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/api/sessions", self.base))
            .header("Origin", origin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "starting a session from {origin}");
        response.json().await.unwrap()
    }

    /// A sign-in token for `name` of `tenant` holding the app role `role`, as Entra ID sign-in
    /// issues it.
    pub fn entra_user(&self, tenant: &str, name: &str, role: &str) -> String {
        let id = duet::engine::AgentId(format!("entra:{tenant}:{name}"));
        let tenant = duet::engine::TenantId::new(tenant);
        let roles = Some(vec![role.to_owned()]);
        self.state
            .tokens
            .agent_with_roles(&id, name, roles, &tenant)
    }

    /// Signs a supervisor in with the development sign-in (loopback: it takes the role).
    pub async fn supervisor(&self, name: &str) -> String {
        let body = json!({ "name": name, "roles": ["Duet.Supervisor"] });
        let (status, body) = self.post("/api/agent/signin", None, body).await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Signs an agent in with the development sign-in; returns the agent token.
    pub async fn sign_in(&self, name: &str) -> String {
        let (status, body) = self
            .post("/api/agent/signin", None, json!({ "name": name }))
            .await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Joins a session as an agent; returns the status and body.
    pub async fn join(&self, agent_token: &str, id: &str) -> (u16, Value) {
        self.post(
            &format!("/api/agent/sessions/{id}/join"),
            Some(agent_token),
            json!({}),
        )
        .await
    }

    /// The session `id` as the engine holds it now.
    pub async fn session(&self, id: &str) -> duet::engine::Session {
        let id = id.parse().expect("a session id");
        let cell = self.state.service.sessions.get(id).expect("a session");
        cell.state().await
    }

    /// A session of `conversation` with the customer's tab connected and Ann, the first agent,
    /// joined and watching (the customer was asked for a snapshot). Returns (id, customer
    /// token, customer socket, Ann's socket).
    pub async fn session_with_ann(&self, conversation: &str) -> (String, String, Socket, Socket) {
        let (id, customer_token) = self.start_session(Some(conversation)).await;
        let mut customer = self.socket(&customer_token).await;
        customer.next_of("welcome").await;
        let ann_token = self.sign_in("Ann").await;
        let (status, joined) = self.join(&ann_token, &id).await;
        assert_eq!(status, 200, "{joined}");
        assert_eq!(joined["admitted"], true, "the first agent joins on the id");
        let mut ann = self.socket(joined["token"].as_str().unwrap()).await;
        ann.next_of("welcome").await;
        customer.next_of("snapshot_needed").await;
        (id, customer_token, customer, ann)
    }

    /// A second agent joins a session another agent holds: they ask, wait with nothing of
    /// the page, and `customer` lets them in. Returns their socket once allowed.
    pub async fn admit_another_agent(&self, customer: &mut Socket, id: &str, name: &str) -> Socket {
        let token = self.sign_in(name).await;
        let (status, joined) = self.join(&token, id).await;
        assert_eq!(status, 200, "{joined}");
        assert_eq!(joined["admitted"], false, "{joined}");
        let mut agent = self.socket(joined["token"].as_str().unwrap()).await;
        assert_eq!(agent.next_of("consent").await["state"], "waiting");
        let handle = customer.join_request_handle(name).await;
        customer
            .send(json!({ "type": "join_answer", "agent": handle, "approved": true }))
            .await;
        assert_eq!(agent.next_of("consent").await["state"], "allowed");
        agent
    }

    /// Opens the WebSocket and says hello with `token`.
    pub async fn socket(&self, token: &str) -> Socket {
        connect(self.addr, token).await
    }
}

/// Posts JSON to the Duet at `base` (a separate process, where there is no `App`); panics unless
/// it succeeds; returns the answer's JSON (`Null` when it has none).
pub async fn post_json(base: &str, path: &str, bearer: Option<&str>, body: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

/// A session on the Duet at `base` with its customer's socket open and Ann, signed in with the
/// development sign-in, joined with hers. Returns (id, customer token, Ann's session token,
/// customer socket, Ann's socket).
pub async fn joined_on(base: &str, addr: SocketAddr) -> (String, String, String, Socket, Socket) {
    let started = post_json(base, "/api/sessions", None, json!({})).await;
    let id = started["sessionId"].as_str().unwrap().to_owned();
    let customer_token = started["token"].as_str().unwrap().to_owned();
    let signed_in = post_json(base, "/api/agent/signin", None, json!({"name": "Ann"})).await;
    let agent = signed_in["token"].as_str().unwrap();
    let path = format!("/api/agent/sessions/{id}/join");
    let joined = post_json(base, &path, Some(agent), json!({})).await;
    let agent_token = joined["token"].as_str().unwrap().to_owned();
    let customer = connect(addr, &customer_token).await;
    let ann = connect(addr, &agent_token).await;
    (id, customer_token, agent_token, customer, ann)
}

/// Opens the WebSocket of the Duet at `addr` and says hello with `token`.
pub async fn connect(addr: SocketAddr, token: &str) -> Socket {
    let (mut ws, _) = connect_async(format!("ws://{addr}/api/ws")).await.unwrap();
    ws.send(Message::text(
        json!({ "type": "hello", "token": token }).to_string(),
    ))
    .await
    .unwrap();
    Socket { ws }
}

/// A test WebSocket client speaking Duet's protocol.
pub struct Socket {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    pub async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// Sends one binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.ws.send(Message::binary(bytes)).await.unwrap();
    }

    /// The next binary frame, skipping text; panics on close or after 5 s of silence.
    pub async fn next_binary(&mut self) -> Vec<u8> {
        loop {
            let item = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("no binary frame within 5 s");
            match item {
                Some(Ok(Message::Binary(bytes))) => return bytes.to_vec(),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    panic!("socket closed while waiting for a binary frame")
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next JSON message, or `None` when the socket closed; panics after 5 s of silence.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let item = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("no message within 5 s");
            match item {
                Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Skips messages until one of `kind` arrives.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let message = self
                .next()
                .await
                .unwrap_or_else(|| panic!("socket closed while waiting for {kind}"));
            if message["type"] == kind {
                return message;
            }
        }
    }

    /// Skips messages until a `state` message with this state arrives.
    pub async fn state(&mut self, state: &str) -> Value {
        loop {
            let message = self.next_of("state").await;
            if message["state"] == state {
                return message;
            }
        }
    }

    /// The handle of the agent called `name`, from the next `state` listing them as asking to join.
    pub async fn join_request_handle(&mut self, name: &str) -> String {
        loop {
            let state = self.next_of("state").await;
            let asking = state["join_requests"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if let Some(request) = asking.iter().find(|request| request["name"] == name) {
                return request["agent"].as_str().unwrap().to_owned();
            }
        }
    }

    /// The close code the server sent, after draining messages.
    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            let item = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("socket did not close");
            match item {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }
}
