//! The bus between the nodes of a cluster, on NATS: a node calls the node that holds a session
//! (`duet.node.<node>.call`) to open a [`Link`] for one connection or one forwarded request, and
//! answers `duet.node.<node>.alive` so the others can tell when it is gone. The bus knows nothing
//! of sessions, WebSockets or HTTP: it moves numbered [`Piece`]s.

mod link;
mod packet;
mod peers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::{Client, ConnectOptions, Subscriber};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

pub use link::{Link, LinkReceiver, LinkSender};
pub use packet::{Broken, Piece};
use peers::Peers;

/// How long a call waits for the holder to answer.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(3);
/// Most messages one subscription buffers for a reader that falls behind; past this NATS drops
/// them and the link sees a gap (a large frame is at most 1 MiB per message).
const SUBSCRIPTION_CAPACITY: usize = 1024;

/// What went wrong on the bus.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// Could not connect at start-up.
    #[error(
        "cannot reach the NATS server at {url}: {reason}; start it, or unset DUET_BUS_URL to run a single node"
    )]
    Connect {
        /// The server's address.
        url: String,
        /// Why.
        reason: String,
    },
    /// Nobody answers on the node's subject: it is gone.
    #[error("the node {0} is not on the bus")]
    Gone(String),
    /// The node did not answer in time.
    #[error("the node {0} did not answer in time")]
    TimedOut(String),
    /// The node answered that it does not hold the session.
    #[error("the node {node} refused: {reason}")]
    Refused {
        /// The node.
        node: String,
        /// Its reason.
        reason: String,
    },
    /// Publishing or subscribing failed.
    #[error("the bus failed: {0}")]
    Failed(String),
}

/// Why a node is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A WebSocket connection of one of the session's parties.
    Socket,
    /// One HTTP request about the session.
    Http,
}

/// A call: which session, what for, and the link's name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Call {
    /// The session (or share) id.
    pub session: String,
    /// What the link carries.
    pub purpose: Purpose,
    /// The client's address, as the calling node saw it.
    pub peer: String,
    /// The link's name, unique to this call.
    pub link: String,
    /// The calling node.
    pub from: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    refused: Option<String>,
}

/// This node's connection to the bus.
#[derive(Debug)]
pub struct Bus {
    client: Client,
    node: String,
    max_payload: usize,
    peers: Peers,
}

impl Bus {
    /// Connects to the NATS server at `url` as `node`, and starts answering `alive`.
    pub async fn connect(url: &str, node: &str) -> Result<Arc<Self>, BusError> {
        let failed = |reason: String| BusError::Connect {
            url: url.to_owned(),
            reason,
        };
        let client = ConnectOptions::new()
            .name(format!("duet {node}"))
            .subscription_capacity(SUBSCRIPTION_CAPACITY)
            .connection_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|error| failed(error.to_string()))?;
        let alive = client
            .subscribe(alive_subject(node))
            .await
            .map_err(|error| failed(error.to_string()))?;
        tokio::spawn(answer_alive(client.clone(), alive));
        let max_payload = client.server_info().max_payload.max(4096);
        Ok(Arc::new(Self {
            peers: Peers::new(client.clone()),
            client,
            node: node.to_owned(),
            max_payload,
        }))
    }

    /// This node's name.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// How long one round trip to the NATS server takes now.
    pub async fn round_trip(&self) -> Result<Duration, BusError> {
        let started = Instant::now();
        self.client
            .flush()
            .await
            .map_err(|error| BusError::Failed(error.to_string()))?;
        crate::metrics::observe_bus_latency(started.elapsed());
        Ok(started.elapsed())
    }

    /// Calls `node`, which holds `session`, to open a link for `purpose`.
    pub async fn call(
        &self,
        node: &str,
        session: &str,
        purpose: Purpose,
        peer: &str,
    ) -> Result<Link, BusError> {
        let name = uuid::Uuid::new_v4().simple().to_string();
        let down = self
            .client
            .subscribe(link::subject(session, &name, "down"))
            .await
            .map_err(|error| BusError::Failed(error.to_string()))?;
        let call = Call {
            session: session.to_owned(),
            purpose,
            peer: peer.to_owned(),
            link: name.clone(),
            from: self.node.clone(),
        };
        let body = serde_json::to_vec(&call).unwrap_or_default();
        let asked = self.client.request(call_subject(node), body.into());
        let started = Instant::now();
        let answer = match tokio::time::timeout(CALL_TIMEOUT, asked).await {
            Err(_) => return Err(BusError::TimedOut(node.to_owned())),
            Ok(Err(error)) if error.kind() == async_nats::RequestErrorKind::NoResponders => {
                return Err(BusError::Gone(node.to_owned()));
            }
            Ok(Err(error)) => return Err(BusError::Failed(error.to_string())),
            Ok(Ok(answer)) => answer,
        };
        crate::metrics::observe_bus_latency(started.elapsed());
        let answer: Answer = serde_json::from_slice(&answer.payload)
            .map_err(|error| BusError::Failed(error.to_string()))?;
        if let Some(reason) = answer.refused {
            return Err(BusError::Refused {
                node: node.to_owned(),
                reason,
            });
        }
        let up = link::subject(session, &name, "up");
        Ok(Link {
            sender: LinkSender::new(self.client.clone(), up, self.max_payload),
            receiver: LinkReceiver::new(down),
            peer: node.to_owned(),
        })
    }

    /// Starts answering calls to this node.
    pub async fn answer_calls(self: &Arc<Self>) -> Result<Calls, BusError> {
        let subscriber = self
            .client
            .subscribe(call_subject(&self.node))
            .await
            .map_err(|error| BusError::Failed(error.to_string()))?;
        Ok(Calls {
            bus: self.clone(),
            subscriber,
        })
    }

    /// Resolves once `node` stops answering on the bus (it stopped, or lost the bus).
    pub async fn gone(&self, node: &str) {
        self.peers.gone(node).await;
    }
}

/// The calls this node is asked to answer.
#[derive(Debug)]
pub struct Calls {
    bus: Arc<Bus>,
    subscriber: Subscriber,
}

/// One call to answer: accept it to get its link, or refuse it with a reason.
#[derive(Debug)]
pub struct Incoming {
    /// What the caller asks for.
    pub call: Call,
    reply: Option<async_nats::Subject>,
    bus: Arc<Bus>,
}

impl Calls {
    /// The next well-formed call; `None` when the bus is gone.
    pub async fn next(&mut self) -> Option<Incoming> {
        loop {
            let message = self.subscriber.next().await?;
            let Ok(call) = serde_json::from_slice::<Call>(&message.payload) else {
                continue;
            };
            return Some(Incoming {
                call,
                reply: message.reply,
                bus: self.bus.clone(),
            });
        }
    }
}

impl Incoming {
    /// Accepts: listens on the link's `up` subject, then tells the caller to go ahead.
    pub async fn accept(self) -> Result<Link, BusError> {
        let bus = &self.bus;
        let (session, name) = (&self.call.session, &self.call.link);
        let up = bus
            .client
            .subscribe(link::subject(session, name, "up"))
            .await
            .map_err(|error| BusError::Failed(error.to_string()))?;
        self.answer(None).await?;
        let down = link::subject(session, name, "down");
        Ok(Link {
            sender: LinkSender::new(bus.client.clone(), down, bus.max_payload),
            receiver: LinkReceiver::new(up),
            peer: self.call.from.clone(),
        })
    }

    /// Refuses, saying why.
    pub async fn refuse(self, reason: &str) -> Result<(), BusError> {
        self.answer(Some(reason.to_owned())).await
    }

    async fn answer(&self, refused: Option<String>) -> Result<(), BusError> {
        let Some(reply) = &self.reply else {
            return Ok(());
        };
        let body = serde_json::to_vec(&Answer { refused }).unwrap_or_default();
        self.bus
            .client
            .publish(reply.clone(), body.into())
            .await
            .map_err(|error| BusError::Failed(error.to_string()))
    }
}

fn call_subject(node: &str) -> String {
    format!("duet.node.{}.call", link::token(node))
}

fn alive_subject(node: &str) -> String {
    format!("duet.node.{}.alive", link::token(node))
}

async fn answer_alive(client: Client, mut asked: Subscriber) {
    while let Some(message) = asked.next().await {
        if let Some(reply) = message.reply {
            let _ = client.publish(reply, bytes::Bytes::new()).await;
        }
    }
}
