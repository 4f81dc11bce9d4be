//! The WebSocket close codes as TypeScript constants, read from the `close` module's source so a
//! new code, its value and its doc line reach the browser without a second list.

/// The source of `src/web/protocol_close.rs`, the `close` module.
const CLOSE_SOURCE: &str = include_str!("../protocol_close.rs");

/// One `export const CLOSE_<NAME> = <code>;` per constant of `close`, each under its doc line.
pub(super) fn render() -> String {
    let mut out = String::new();
    let mut docs: Vec<&str> = Vec::new();
    let lines = CLOSE_SOURCE.lines().map(str::trim);
    for line in lines.filter(|line| !line.starts_with("//!")) {
        if let Some(doc) = line.strip_prefix("///") {
            docs.push(doc.trim());
        } else if let Some((name, code)) = constant(line) {
            out.push_str(&format!(
                "/** {} */\nexport const CLOSE_{name} = {code};\n",
                docs.join(" ")
            ));
            docs.clear();
        } else if !line.is_empty() {
            panic!(
                "protocol_ts/close.rs cannot read {line:?} in \
                 src/web/protocol_close.rs: keep it to `/// doc` lines and `pub const NAME: u16 = 4000;`"
            );
        }
    }
    out
}

/// The name and code of a `pub const NAME: u16 = 4000;` line.
fn constant(line: &str) -> Option<(&str, u16)> {
    let (name, code) = line.strip_prefix("pub const ")?.split_once(": u16 = ")?;
    Some((name, code.strip_suffix(';')?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::protocol::close;

    #[test]
    fn each_close_code_is_rendered_with_the_value_rust_uses() {
        let rendered = render();
        for (name, code) in [
            ("SESSION_ENDED", close::SESSION_ENDED),
            ("UNAUTHORIZED", close::UNAUTHORIZED),
            ("TOO_SLOW", close::TOO_SLOW),
            ("PROTOCOL", close::PROTOCOL),
        ] {
            let line = format!("export const CLOSE_{name} = {code};\n");
            assert!(
                rendered.contains(&line),
                "{line:?} missing from:\n{rendered}"
            );
        }
    }
}
