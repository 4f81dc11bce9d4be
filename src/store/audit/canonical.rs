//! Canonical JSON: object keys sorted by their UTF-8 bytes at every depth, no whitespace,
//! strings escaped and numbers written as serde_json writes them. It sorts keys itself, so it
//! does not depend on the order a `serde_json::Map` keeps.

use serde_json::Value;

/// The canonical JSON text of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// Writes a JSON string exactly as serde_json escapes it.
fn write_string(out: &mut String, text: &str) {
    // Serializing a &str cannot fail: it is the same escaping serde_json uses everywhere.
    out.push_str(&Value::String(text.to_owned()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_without_whitespace() {
        let value = json!({"b": 1, "a": {"z": [3, {"y": null, "x": true}], "é": "q", "Z": 2.5}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"Z":2.5,"z":[3,{"x":true,"y":null}],"é":"q"},"b":1}"#
        );
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        let value = json!({"t": "a\"b\\c\nd\u{1}é/"});
        assert_eq!(canonical_json(&value), r#"{"t":"a\"b\\c\nd\u0001é/"}"#);
    }

    #[test]
    fn canonical_text_parses_back_to_the_same_canonical_text() {
        let value = json!({"n": -0.0, "big": u64::MAX, "neg": i64::MIN, "f": 1.0e-7, "s": [1.5]});
        let text = canonical_json(&value);
        let again: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(canonical_json(&again), text);
    }
}
