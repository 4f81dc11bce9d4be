//! The WebSocket wire protocol: one JSON envelope per text frame, `{"type": "...", ...}`.
//! Mirrored for the browser in `webresource/src/protocol.ts`; change both together.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::engine::{ControlMode, EndReason, SessionId, State};

/// What a browser sends to Duet. Parse with [`ClientMsg::parse`].
#[derive(Debug)]
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
            other => return Err(BadFrame::UnknownType(other.to_owned())),
        })
    }
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
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"type":"error","message":"encoding failed"}"#.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dom_frame_keeps_its_events_untouched() {
        let text = r#"{"type":"dom","full":true,"events":[{"type":2,"data":{"x":"<b>"}}]}"#;
        match ClientMsg::parse(text).unwrap() {
            ClientMsg::Dom { full, events } => {
                assert!(full);
                assert_eq!(events.get(), r#"[{"type":2,"data":{"x":"<b>"}}]"#);
            }
            other => panic!("expected dom, got {other:?}"),
        }
    }

    #[test]
    fn unknown_types_fields_and_missing_fields_are_refused() {
        assert!(matches!(
            ClientMsg::parse(r#"{"type":"warp"}"#),
            Err(BadFrame::UnknownType(_))
        ));
        assert!(matches!(
            ClientMsg::parse(r#"{"type":"end","extra":1}"#),
            Err(BadFrame::Malformed(_))
        ));
        assert_eq!(
            ClientMsg::parse(r#"{"type":"pointer","x":1}"#).unwrap_err(),
            BadFrame::Missing("pointer", "x and y")
        );
        assert!(matches!(
            ClientMsg::parse("not json"),
            Err(BadFrame::Malformed(_))
        ));
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
