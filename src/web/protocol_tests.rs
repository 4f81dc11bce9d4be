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

#[test]
fn a_binary_dom_frame_says_full_in_bit_zero_and_keeps_the_others_clear() {
    assert_eq!(binary_dom_full(&[1, 0x4a, 0]), Ok(true));
    assert_eq!(binary_dom_full(&[0, 0x4a]), Ok(false));
    assert!(binary_dom_full(&[0b10, 0x4a]).is_err());
    assert!(binary_dom_full(&[1]).is_err());
    assert!(binary_dom_full(&[]).is_err());
}
