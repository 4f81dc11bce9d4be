//! The WebSocket wire protocol: one JSON envelope per text frame, `{"type": "...", ...}`.
//! Mirrored for the browser in `webresource/src/protocol.ts`; change both together.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::engine::{ControlMode, EndReason, SessionId, State};

/// What a browser sends to Duet.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
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
        #[serde(borrow)]
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
}

/// What Duet sends to a browser.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg<'a> {
    /// Answer to `hello`: who you are in which session, and the tenant policy.
    Welcome {
        /// The session id.
        session_id: SessionId,
        /// `customer` or `agent`.
        role: &'a str,
        /// Masking and control rules the customer's script applies.
        policy: &'a crate::config::PolicySettings,
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
        /// How many agent consoles are connected.
        agents: usize,
    },
    /// To agents: the customer's page changes, as sent.
    Dom {
        /// True when the batch starts with a full snapshot.
        full: bool,
        /// The rrweb events, untouched.
        events: &'a RawValue,
    },
    /// The other side's pointer, in the customer's viewport CSS pixels.
    Pointer {
        /// `customer` or `agent`.
        from: &'a str,
        /// Horizontal position.
        x: f64,
        /// Vertical position.
        y: f64,
    },
    /// To the customer: send a full snapshot now (an agent joined or fell behind).
    SnapshotNeeded,
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
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"type":"error","message":"encoding failed"}"#.to_owned())
    }
}

/// WebSocket close codes Duet uses, with their reasons.
pub mod close {
    /// The session ended; the state message before it says why.
    pub const SESSION_ENDED: u16 = 4000;
    /// The first frame was not a valid `hello`.
    pub const UNAUTHORIZED: u16 = 4001;
    /// The connection fell too far behind; reconnect for a fresh snapshot.
    pub const TOO_SLOW: u16 = 4008;
    /// A frame broke the protocol (bad JSON, wrong role, too large).
    pub const PROTOCOL: u16 = 4002;
}
