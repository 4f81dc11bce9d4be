//! Unit tests of the wire protocol's parsing.

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
