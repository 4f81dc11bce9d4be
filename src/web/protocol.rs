//! The WebSocket wire protocol: one JSON envelope per text frame, `{"type": "...", ...}`. The
//! binary frames (page changes, pointer positions) are in [`super::binary`].
//! The browser's types of these messages, `webresource/src/protocol.gen.ts`, are generated from
//! the types here by ts-rs in `super::protocol_ts` (`cfg(test)` only); `cargo test` fails while
//! that file is stale.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::engine::{ControlMode, EndReason, State};

pub use super::action::{ActionKind, AgentAction, MAX_ACTION_TEXT};
pub use super::annotation::{Annotation, StrokeShape};

/// What a browser sends to Duet. Parse with [`ClientMsg::parse`].
#[derive(Debug)]
// Under test it also serializes, with the tag and names the parser reads, and ts-rs reads the same
// attributes: `protocol_ts::samples` proves the parser reads what the generated type describes.
#[cfg_attr(test, derive(Serialize, ts_rs::TS))]
#[cfg_attr(test, serde(tag = "type", rename_all = "snake_case"))]
pub enum ClientMsg<'a> {
    /// First frame on every socket: the token from the start or join call.
    Hello {
        /// The signed session token.
        token: String,
    },
    /// Customer only: a batch of rrweb events, relayed to agents without being parsed.
    Dom {
        /// True when the batch starts with a full snapshot (Meta + FullSnapshot).
        full: bool,
        /// The rrweb events, as JSON, untouched.
        #[cfg_attr(test, ts(type = "unknown[]"))]
        events: &'a RawValue,
    },
    /// Either side: where its pointer is, in the customer's viewport CSS pixels.
    Pointer {
        /// Horizontal position.
        x: f64,
        /// Vertical position.
        y: f64,
    },
    /// Either side ends the session for everyone.
    End,
    /// Keeps an idle connection open; answered with `pong`.
    Ping,
    /// Agent only: asks the customer for write mode.
    ControlRequest,
    /// Customer only: answers the pending control request.
    ControlAnswer {
        /// True lets the agent act on the page.
        approved: bool,
    },
    /// Either side: back to pointer mode (the customer takes control back, or the agent hands it back).
    ControlRevoke,
    /// Customer only: lets a waiting agent join, or turns them away.
    JoinAnswer {
        /// The agent's handle, from the `state` message's `join_requests`.
        agent: String,
        /// True lets the agent see the page.
        approved: bool,
    },
    /// Agent only, in write mode: an action for the customer's script to replay, if its rules allow.
    Action {
        /// What to do, and where.
        action: AgentAction,
    },
    /// Agent only, in any mode: a highlight or a stroke on the customer's page, or clearing them.
    Annotate {
        /// What to show.
        annotation: Annotation,
    },
    /// Customer only: this tab is the one the customer looks at now (sent when it connects
    /// visible and when it comes to the front); agents see it from its next snapshot.
    Front,
    /// Screen share, customer only: accept the agent's request.
    ShareAccept,
    /// Screen share, agent only: the first frame of the customer's screen is showing.
    ShareConnected,
    /// Inside co-browse, either side: start showing my screen (an agent who starts takes over
    /// from another agent; the customer starts after an agent's `share_request`).
    ShareStart,
    /// Inside co-browse: stop showing my screen; the co-browse goes on.
    ShareStop,
    /// Inside co-browse, agent only: ask the customer to show their screen.
    ShareRequest,
    /// Screen share: a WebRTC offer, answer or ICE candidate for the other side, relayed untouched.
    Signal {
        /// The signalling payload.
        #[cfg_attr(test, ts(type = "unknown"))]
        data: &'a RawValue,
    },
}

/// Largest signalling payload relayed, in bytes.
pub const MAX_SIGNAL_BYTES: usize = 64 * 1024;

/// The flat shape every client frame is read into first: serde's tagged enums buffer their
/// content, which a borrowed `RawValue` cannot survive, so the tag is matched by hand.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: std::borrow::Cow<'a, str>,
    token: Option<String>,
    full: Option<bool>,
    #[serde(borrow)]
    events: Option<&'a RawValue>,
    x: Option<f64>,
    y: Option<f64>,
    approved: Option<bool>,
    agent: Option<String>,
    action: Option<AgentAction>,
    annotation: Option<Annotation>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

/// Why a client frame was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadFrame {
    /// Not JSON, or fields Duet does not know.
    #[error("that frame is not a Duet message: {0}")]
    Malformed(String),
    /// A known type without the fields it needs.
    #[error("a {0} message needs {1}")]
    Missing(&'static str, &'static str),
    /// A type Duet does not know.
    #[error("Duet does not know the message type {0:?}")]
    UnknownType(String),
}

impl<'a> ClientMsg<'a> {
    /// Reads one text frame; the rrweb events are borrowed from `text`, not parsed.
    pub fn parse(text: &'a str) -> Result<Self, BadFrame> {
        let envelope: Envelope<'a> =
            serde_json::from_str(text).map_err(|e| BadFrame::Malformed(e.to_string()))?;
        Ok(match envelope.kind.as_ref() {
            "hello" => ClientMsg::Hello {
                token: envelope.token.ok_or(BadFrame::Missing("hello", "token"))?,
            },
            "dom" => ClientMsg::Dom {
                full: envelope.full.unwrap_or(false),
                events: envelope.events.ok_or(BadFrame::Missing("dom", "events"))?,
            },
            "pointer" => match (envelope.x, envelope.y) {
                (Some(x), Some(y)) => ClientMsg::Pointer { x, y },
                _ => return Err(BadFrame::Missing("pointer", "x and y")),
            },
            "end" => ClientMsg::End,
            "ping" => ClientMsg::Ping,
            "control_request" => ClientMsg::ControlRequest,
            "control_answer" => ClientMsg::ControlAnswer {
                approved: envelope
                    .approved
                    .ok_or(BadFrame::Missing("control_answer", "approved"))?,
            },
            "control_revoke" => ClientMsg::ControlRevoke,
            "front" => ClientMsg::Front,
            "join_answer" => match (envelope.agent, envelope.approved) {
                (Some(agent), Some(approved)) if agent.len() <= 64 => {
                    ClientMsg::JoinAnswer { agent, approved }
                }
                _ => return Err(BadFrame::Missing("join_answer", "agent and approved")),
            },
            "share_accept" => ClientMsg::ShareAccept,
            "share_start" => ClientMsg::ShareStart,
            "share_stop" => ClientMsg::ShareStop,
            "share_request" => ClientMsg::ShareRequest,
            "share_connected" => ClientMsg::ShareConnected,
            "signal" => {
                let data = envelope.data.ok_or(BadFrame::Missing("signal", "data"))?;
                if data.get().len() > MAX_SIGNAL_BYTES {
                    return Err(BadFrame::Missing("signal", "data under 64 KiB"));
                }
                ClientMsg::Signal { data }
            }
            "action" => {
                let action = envelope
                    .action
                    .ok_or(BadFrame::Missing("action", "action"))?;
                action.check()?;
                ClientMsg::Action { action }
            }
            "annotate" => {
                let annotation = envelope
                    .annotation
                    .ok_or(BadFrame::Missing("annotate", "annotation"))?;
                annotation.check()?;
                ClientMsg::Annotate { annotation }
            }
            other => return Err(BadFrame::UnknownType(other.to_owned())),
        })
    }
}

/// What Duet sends to a browser.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg<'a> {
    /// Answer to `hello`: who you are in which session, and the tenant policy.
    Welcome {
        /// The session id (or the screen share's id).
        session_id: &'a str,
        /// `customer` or `agent`.
        #[cfg_attr(test, ts(as = "crate::web::protocol_ts::words::Role"))]
        role: &'a str,
        /// Masking and control rules the customer's script applies.
        policy: &'a crate::config::PolicySettings,
        /// STUN/TURN servers for screen sharing inside the session.
        ice_servers: &'a [IceServer],
        /// The largest frame Duet accepts, in bytes; a larger page snapshot cannot be shared.
        max_message_bytes: usize,
        /// Where the mirror loads the page's assets (`/page-assets/{session}/{key}`), for those
        /// who see the page; absent for the customer and screen shares.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        page_assets: Option<&'a str>,
    },
    /// The session changed; sent to everyone at once.
    State {
        /// idle, active or ended.
        state: State,
        /// Why it ended, once it has.
        reason: Option<EndReason>,
        /// A sentence for people about the change.
        message: &'a str,
        /// pointer or write.
        control: ControlMode,
        /// Whether an agent's control request waits for the customer.
        control_pending: bool,
        /// How the last control request or grant ended: approved, denied, lapsed or revoked.
        control_outcome: Option<crate::engine::ControlOutcome>,
        /// How many agent consoles that can see the page are connected.
        agents: usize,
        /// How many of the customer's tabs are connected (agents see the one in front).
        customer_tabs: usize,
        /// The names of the agents who can see the page now.
        viewers: &'a [String],
        /// The names of the supervisors watching now, read-only (the customer is told).
        watchers: &'a [String],
        /// Agents asking to join, waiting for the customer's answer.
        join_requests: &'a [JoinRequest<'a>],
        /// The handle of the agent in control (write mode); actions from anyone else are ignored.
        control_holder: Option<&'a str>,
        /// The handle of the agent whose control request waits for the customer.
        control_asker: Option<&'a str>,
    },
    /// To an agent asking to join a session another agent holds: waiting, allowed or denied.
    Consent {
        /// Where the request stands.
        #[cfg_attr(test, ts(as = "crate::web::protocol_ts::words::ConsentState"))]
        state: &'a str,
        /// A sentence for the agent.
        message: &'a str,
    },
    /// To the customer: an agent asks for write mode.
    ControlRequested {
        /// Who asks.
        agent_name: &'a str,
        /// How long the customer has to answer, in milliseconds.
        expires_in_ms: u64,
    },
    /// To the customer, in write mode: an agent's action, for the script to replay if its rules
    /// allow and `from` is the agent in control.
    Action {
        /// The sender's handle.
        from: &'a str,
        /// The action.
        action: &'a AgentAction,
    },
    /// To the customer: an agent's highlight or stroke, or clearing that agent's annotations.
    Annotate {
        /// The sender's handle.
        from: &'a str,
        /// What to show.
        annotation: &'a Annotation,
    },
    /// Screen share: its state changed.
    ShareState {
        /// pending, accepted, live or ended.
        state: crate::engine::ShareState,
        /// Why it ended, once it has.
        reason: Option<crate::engine::ShareEnd>,
        /// A sentence for people.
        message: &'a str,
        /// The agent who asked, shown to the customer.
        agent_name: &'a str,
    },
    /// Inside co-browse: who shows their screen now.
    ScreenShown {
        /// `customer`, `agent`, or null when nobody shares.
        #[cfg_attr(test, ts(as = "Option<crate::web::protocol_ts::words::Role>"))]
        sharer: Option<&'a str>,
        /// The sharer's name.
        name: Option<&'a str>,
    },
    /// To an agent whose screen share another agent (or the customer) took over.
    ShareTakenOver {
        /// A sentence for people.
        message: &'a str,
    },
    /// To the customer inside co-browse: an agent asks to see the customer's screen.
    ShareRequested {
        /// Who asks.
        agent_name: &'a str,
    },
    /// Screen share: the other side's WebRTC signalling, untouched.
    Signal {
        /// The payload.
        #[cfg_attr(test, ts(type = "unknown"))]
        data: &'a RawValue,
    },
    /// To agents: the customer's page changes, as sent.
    Dom {
        /// True when the batch starts with a full snapshot.
        full: bool,
        /// The rrweb events, untouched.
        #[cfg_attr(test, ts(type = "unknown[]"))]
        events: &'a RawValue,
    },
    /// The other side's pointer, in the customer's viewport CSS pixels.
    Pointer {
        /// `customer` or `agent`.
        #[cfg_attr(test, ts(as = "crate::web::protocol_ts::words::Role"))]
        from: &'a str,
        /// Horizontal position.
        x: f64,
        /// Vertical position.
        y: f64,
    },
    /// To the customer: send a full snapshot now (an agent joined or fell behind, or this tab
    /// came to the front).
    SnapshotNeeded,
    /// To a customer tab: another of the customer's tabs is in front; stop recording this one.
    Standby {
        /// A sentence for the customer.
        message: &'a str,
    },
    /// To agents: the customer switched to another tab of the site (or closed the one shown);
    /// the mirror follows from the new tab's snapshot.
    TabSwitched {
        /// How many of the customer's tabs are connected now.
        tabs: usize,
        /// A sentence for the agent.
        message: &'a str,
    },
    /// Answer to `ping`.
    Pong,
    /// Something the sender did was refused; the text says what to do.
    Error {
        /// A sentence for people.
        message: &'a str,
    },
}

impl ServerMsg<'_> {
    /// Encodes the message as the text of one frame.
    pub fn encode(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"type":"error","message":"encoding failed"}"#.to_owned())
    }
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;

/// An agent asking to join, as the customer's widget shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct JoinRequest<'a> {
    /// The agent's handle, to name in `join_answer`.
    pub agent: &'a str,
    /// Their name.
    pub name: &'a str,
    /// What they ask: to join as an agent, to step in (a supervisor) or to watch (a supervisor).
    pub ask: crate::engine::notice::Ask,
}

/// One entry of `RTCConfiguration.iceServers`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IceServer {
    /// A STUN or TURN URL.
    pub urls: String,
}

/// WebSocket close codes Duet uses, with their reasons.
#[path = "protocol_close.rs"]
pub mod close;
