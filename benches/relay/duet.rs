//! Opening Duet sessions the way the product does: the customer starts one over HTTP, an agent
//! signs in (development sign-in, one distinct agent per session), joins, and both sockets say
//! hello; the customer's socket is ready once Duet has asked it for a snapshot.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::load::{Pair, Ws};

/// How long any one setup step may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// An HTTP client for one Duet.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    addr: SocketAddr,
}

impl Api {
    /// A client for the Duet at `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            http: reqwest::Client::new(),
            addr,
        }
    }

    async fn post(&self, path: &str, bearer: Option<&str>) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(format!("http://{}{path}", self.addr))
            .json(&json!({}));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?.error_for_status()?;
        Ok(response.json().await?)
    }

    async fn post_name(&self, path: &str, name: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("http://{}{path}", self.addr))
            .json(&json!({ "name": name }))
            .send()
            .await?
            .error_for_status()?;
        Ok(response.json().await?)
    }

    /// Opens session number `index`: customer and agent sockets, both welcomed.
    pub async fn open_pair(&self, index: usize) -> anyhow::Result<Pair> {
        tokio::time::timeout(STEP_TIMEOUT * 3, self.open(index))
            .await
            .context("opening a session took too long")?
    }

    async fn open(&self, index: usize) -> anyhow::Result<Pair> {
        Ok(self.open_across(self, index).await?.pair)
    }

    /// Opens session number `index` with its customer on this Duet and its agent on `agent`'s
    /// (another node of a cluster, or this one).
    pub async fn open_across(&self, agent_api: &Api, index: usize) -> anyhow::Result<Opened> {
        let started = self.post("/api/sessions", None).await?;
        let id = text(&started, "sessionId")?;
        let customer_token = text(&started, "token")?;
        let signed_in = agent_api
            .post_name("/api/agent/signin", &format!("Bench Agent {index}"))
            .await?;
        let agent_token = text(&signed_in, "token")?;
        let joined = agent_api
            .post(
                &format!("/api/agent/sessions/{id}/join"),
                Some(&agent_token),
            )
            .await?;
        let session_token = text(&joined, "token")?;
        let mut customer = self.socket(&customer_token).await?;
        wait_for(&mut customer, "welcome").await?;
        let mut agent = agent_api.socket(&session_token).await?;
        wait_for(&mut agent, "welcome").await?;
        wait_for(&mut customer, "snapshot_needed").await?;
        Ok(Opened {
            pair: Pair {
                publisher: customer,
                subscriber: agent,
            },
            customer_token,
            agent_token: session_token,
        })
    }

    /// Opens a socket and says hello with `token`.
    pub async fn socket(&self, token: &str) -> anyhow::Result<Ws> {
        let url = format!("ws://{}/api/ws", self.addr);
        let (mut ws, _) = tokio_tungstenite::connect_async_with_config(
            url,
            Some(crate::load::socket_config()),
            true,
        )
        .await?;
        let hello = json!({ "type": "hello", "token": token }).to_string();
        ws.send(Message::text(hello)).await?;
        Ok(ws)
    }
}

/// An opened session: its sockets and the tokens to reconnect them.
pub struct Opened {
    /// The customer's socket (publisher) and the agent's (subscriber).
    pub pair: Pair,
    /// The customer's session token.
    pub customer_token: String,
    /// The agent's session token.
    pub agent_token: String,
}

fn text(value: &Value, key: &str) -> anyhow::Result<String> {
    value[key]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("the answer has no {key}: {value}"))
}

/// Reads until a message of `kind` (skipping others), for at most `STEP_TIMEOUT`.
pub async fn wait_for(ws: &mut Ws, kind: &str) -> anyhow::Result<()> {
    let wanted = format!(r#"{{"type":"{kind}""#);
    loop {
        match tokio::time::timeout(STEP_TIMEOUT, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) if text.starts_with(&wanted) => return Ok(()),
            Ok(Some(Ok(_))) => continue,
            Ok(other) => bail!("the socket closed while waiting for {kind}: {other:?}"),
            Err(_) => bail!("no {kind} within {STEP_TIMEOUT:?}"),
        }
    }
}
