//! One sample of every message, both ways. The client samples prove that `ClientMsg::parse` reads
//! what the generated `ClientMsg` describes; the server samples are `ServerMsg::encode` output.
//! Both go into the generated file, where tsc checks each against its generated type.

use serde_json::value::RawValue;
use ts_rs::TS;

use super::config;
use crate::config::PolicySettings;
use crate::engine::{ControlMode, ControlOutcome, EndReason, ShareEnd, ShareState, State};
use crate::web::protocol::{
    ActionKind, AgentAction, Annotation, ClientMsg, IceServer, JoinRequest, ServerMsg, StrokeShape,
};

/// JSON borrowed from a `'static` text, as the parser borrows it from a frame.
fn raw(json: &'static str) -> &'static RawValue {
    serde_json::from_str(json).expect("a sample's JSON is valid")
}

/// A stroke with every field set: a pinned rectangle's points from the fourth on.
fn stroke() -> Annotation {
    Annotation::Stroke {
        id: 2,
        shape: StrokeShape::Rect,
        points: vec![10.0, 20.0, 110.5, 80.0],
        offset: Some(3),
        pinned: Some(true),
    }
}

/// An action with every field set.
fn action() -> AgentAction {
    AgentAction {
        kind: ActionKind::Input,
        id: Some(42),
        x: Some(10.5),
        y: Some(20.0),
        value: Some("Ada".to_owned()),
        key: Some("Enter".to_owned()),
        dx: Some(0.0),
        dy: Some(-120.0),
    }
}

/// One `ClientMsg` of every variant, in the enum's order.
fn client() -> Vec<ClientMsg<'static>> {
    vec![
        ClientMsg::Hello {
            token: "eyJ0eXAiOiJKV1QifQ.e30.c2ln".to_owned(),
        },
        ClientMsg::Dom {
            full: true,
            events: raw(r#"[{"type":4,"data":{"href":"https://shop.example/"},"timestamp":1}]"#),
        },
        ClientMsg::Pointer { x: 12.5, y: 300.0 },
        ClientMsg::End,
        ClientMsg::Ping,
        ClientMsg::ControlRequest,
        ClientMsg::ControlAnswer { approved: true },
        ClientMsg::ControlRevoke,
        ClientMsg::JoinAnswer {
            agent: "3f2a9c01b7de".to_owned(),
            approved: false,
        },
        ClientMsg::Action { action: action() },
        ClientMsg::Annotate {
            annotation: Annotation::Highlight {
                id: 1,
                node: 42,
                pinned: Some(true),
            },
        },
        ClientMsg::Front,
        ClientMsg::ShareAccept,
        ClientMsg::ShareConnected,
        ClientMsg::ShareStart,
        ClientMsg::ShareStop,
        ClientMsg::ShareRequest,
        ClientMsg::Signal {
            data: raw(r#"{"candidate":null}"#),
        },
    ]
}

/// The client samples as the browser would send them.
fn client_texts() -> Vec<String> {
    client()
        .iter()
        .map(|m| serde_json::to_string(m).expect("a client sample serializes"))
        .collect()
}

/// `ServerMsg::encode` of one message of every variant, in the enum's order.
fn server_texts() -> Vec<String> {
    let policy = PolicySettings {
        mask_selectors: vec!["#card-number".to_owned()],
        unmask_selectors: vec!["#gift-card-note".to_owned()],
        share_sites: vec!["https://shop.example".to_owned()],
        ..PolicySettings::default()
    };
    let ice_servers = [IceServer {
        urls: "stun:stun.example.net:3478".to_owned(),
    }];
    let action = action();
    let stroke = stroke();
    let events = raw(r#"[{"type":3,"data":{"source":0},"timestamp":2}]"#);
    let viewers = ["Dana".to_owned()];
    let join_requests = [JoinRequest {
        agent: "3f2a9c01b7de",
        name: "Eli",
        ask: crate::engine::notice::Ask::Join,
    }];
    let samples = [
        ServerMsg::Welcome {
            session_id: "123456789",
            role: "agent",
            policy: &policy,
            ice_servers: &ice_servers,
            max_message_bytes: 8 * 1024 * 1024,
            page_assets: Some("/page-assets/123456789/3q2-7wEAAAAAAAAAAAAAAAAA"),
        },
        ServerMsg::State {
            state: State::Ended,
            reason: Some(EndReason::AgentAway),
            message: EndReason::AgentAway.describe(),
            control: ControlMode::Pointer,
            control_pending: false,
            control_outcome: Some(ControlOutcome::Revoked),
            agents: 1,
            customer_tabs: 2,
            viewers: &viewers,
            watchers: &[],
            join_requests: &join_requests,
            control_holder: Some("9d01c2aa5b33"),
            control_asker: None,
        },
        ServerMsg::Consent {
            state: "waiting",
            message: "Waiting for the customer to let you in.",
        },
        ServerMsg::ControlRequested {
            agent_name: "Dana",
            expires_in_ms: 30_000,
        },
        ServerMsg::Action {
            from: "9d01c2aa5b33",
            action: &action,
        },
        ServerMsg::Annotate {
            from: "9d01c2aa5b33",
            annotation: &stroke,
        },
        ServerMsg::ShareState {
            state: ShareState::Ended,
            reason: Some(ShareEnd::Abandoned),
            message: ShareEnd::Abandoned.describe(),
            agent_name: "Dana",
        },
        ServerMsg::ScreenShown {
            sharer: Some("agent"),
            name: Some("Dana"),
        },
        ServerMsg::ShareTakenOver {
            message: "Another agent is sharing their screen now; yours is no longer shown.",
        },
        ServerMsg::ShareRequested { agent_name: "Dana" },
        ServerMsg::Signal {
            data: raw(r#"{"description":{"type":"offer","sdp":"v=0"}}"#),
        },
        ServerMsg::Dom {
            full: false,
            events,
        },
        ServerMsg::Pointer {
            from: "agent",
            x: 640.0,
            y: 12.25,
        },
        ServerMsg::SnapshotNeeded,
        ServerMsg::Standby {
            message: "Your agent sees your other tab.",
        },
        ServerMsg::TabSwitched {
            tabs: 2,
            message: "The customer switched tabs.",
        },
        ServerMsg::Pong,
        ServerMsg::Error {
            message: "only an agent can do that",
        },
    ];
    samples.iter().map(ServerMsg::encode).collect()
}

/// A `const` of samples that tsc checks against `ty`.
fn render_list(name: &str, ty: &str, texts: &[String]) -> String {
    let mut out = format!("const {name} = [\n");
    for text in texts {
        out.push_str(&format!("  {text},\n"));
    }
    out.push_str(&format!("] satisfies {ty}[];\n"));
    out
}

/// The samples section of the generated file.
pub(super) fn render() -> String {
    format!(
        "// One sample of every message, as Rust writes it (src/web/protocol_ts/samples.rs): tsc \
         checks each against\n// the types above, so they cannot drift from what serde sends. \
         Nothing imports them.\n{}{}",
        render_list("CLIENT_MSG_SAMPLES", "ClientMsg", &client_texts()),
        render_list("SERVER_MSG_SAMPLES", "ServerMsg", &server_texts()),
    )
}

/// The `type` tags of a generated union, in its order.
fn union_tags<T: TS + ?Sized>() -> Vec<String> {
    T::decl(&config())
        .split("\"type\": \"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("a closed tag")].to_owned())
        .collect()
}

/// The `type` tag of each sample.
fn sample_tags(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .map(|text| {
            let value: serde_json::Value = serde_json::from_str(text).expect("a sample is JSON");
            value["type"]
                .as_str()
                .expect("a sample has a type")
                .to_owned()
        })
        .collect()
}

#[test]
fn every_client_message_has_a_sample() {
    assert_eq!(
        sample_tags(&client_texts()),
        union_tags::<ClientMsg<'static>>(),
        "add a sample of each new ClientMsg variant to client() in src/web/protocol_ts/samples.rs, \
         in the enum's order"
    );
}

#[test]
fn every_server_message_has_a_sample() {
    assert_eq!(
        sample_tags(&server_texts()),
        union_tags::<ServerMsg<'static>>(),
        "add a sample of each new ServerMsg variant to server_texts() in \
         src/web/protocol_ts/samples.rs, in the enum's order"
    );
}

#[test]
fn the_hand_parser_reads_every_client_sample_back_unchanged() {
    for text in client_texts() {
        let parsed = ClientMsg::parse(&text)
            .unwrap_or_else(|e| panic!("ClientMsg::parse refused the sample {text}: {e}"));
        let again = serde_json::to_string(&parsed).expect("a parsed message serializes");
        assert_eq!(again, text, "ClientMsg::parse changed the sample");
    }
}
