//! The browser's types of the wire protocol: renders `webresource/src/protocol.gen.ts` from the
//! Rust types with ts-rs, writes it when asked, and otherwise fails while the committed file
//! differs from what the Rust types generate.

mod close;
mod layout;
mod samples;
pub(crate) mod words;

use std::path::PathBuf;

use ts_rs::{Config, TS};

use crate::config::PolicySettings;
use crate::engine::{ControlMode, ControlOutcome, EndReason, ShareEnd, ShareState, State};
use crate::web::protocol::{
    ActionKind, AgentAction, Annotation, ClientMsg, IceServer, JoinRequest, ServerMsg, StrokeShape,
};

/// The generated file, from the crate root.
const GENERATED: &str = "webresource/src/protocol.gen.ts";

/// The environment variable that makes the test write the file instead of comparing it.
const WRITE_VAR: &str = "DUET_WRITE_PROTOCOL";

/// The command that regenerates the file.
const REGENERATE: &str = "DUET_WRITE_PROTOCOL=1 cargo test --lib protocol_ts";

/// ts-rs's settings: `u64` becomes `number`, which is what `JSON.parse` gives the browser.
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// One generated type: the Rust file that declares it, its name there, and its TypeScript.
struct Declaration {
    /// The Rust file, from the crate root.
    source: &'static str,
    /// The type's name, the same in Rust and TypeScript.
    name: String,
    /// `/** docs */ export type … = …;`, laid out one field a line.
    typescript: String,
}

/// The declaration of `T`, with its doc comment, as ts-rs renders it.
fn declare<T: TS + ?Sized>(source: &'static str, cfg: &Config) -> Declaration {
    Declaration {
        source,
        name: T::ident(cfg),
        typescript: format!(
            "{}{}",
            layout::doc_comment(T::docs()),
            layout::export(&T::decl(cfg))
        ),
    }
}

/// Every generated type, in the file's order: the messages, then what they carry.
fn declarations(cfg: &Config) -> Vec<Declaration> {
    const PROTOCOL: &str = "src/web/protocol.rs";
    const ACTION: &str = "src/web/action.rs";
    const ANNOTATION: &str = "src/web/annotation.rs";
    const SESSION: &str = "src/engine/session/kinds.rs";
    const SHARE: &str = "src/engine/share/mod.rs";
    const CONFIG: &str = "src/config/policy.rs";
    const WORDS: &str = "src/web/protocol_ts/words.rs";
    const NOTICE: &str = "src/engine/notice.rs";
    vec![
        declare::<ClientMsg<'static>>(PROTOCOL, cfg),
        declare::<ServerMsg<'static>>(PROTOCOL, cfg),
        declare::<AgentAction>(ACTION, cfg),
        declare::<ActionKind>(ACTION, cfg),
        declare::<Annotation>(ANNOTATION, cfg),
        declare::<StrokeShape>(ANNOTATION, cfg),
        declare::<IceServer>(PROTOCOL, cfg),
        declare::<JoinRequest<'static>>(PROTOCOL, cfg),
        declare::<crate::engine::notice::Ask>(NOTICE, cfg),
        declare::<State>(SESSION, cfg),
        declare::<EndReason>(SESSION, cfg),
        declare::<ControlMode>(SESSION, cfg),
        declare::<ControlOutcome>(SESSION, cfg),
        declare::<ShareState>(SHARE, cfg),
        declare::<ShareEnd>(SHARE, cfg),
        declare::<PolicySettings>(CONFIG, cfg),
        declare::<words::Role>(WORDS, cfg),
        declare::<words::DisplaySurface>(WORDS, cfg),
        declare::<words::ConsentState>(WORDS, cfg),
    ]
}

/// The whole generated file.
pub(super) fn render() -> String {
    let cfg = config();
    let mut out = format!(
        "// Generated from src/web/protocol.rs by `cargo test` (ts-rs). Do not edit: run \
         `{REGENERATE}` to regenerate.\n\
         // Each type names the Rust file it comes from; the browser-side helpers are in protocol.ts.\n"
    );
    for declaration in declarations(&cfg) {
        out.push_str(&format!(
            "\n// `{}` in {}\n{}",
            declaration.name, declaration.source, declaration.typescript
        ));
    }
    out.push_str("\n// The WebSocket close codes: the `close` module in src/web/protocol.rs.\n");
    out.push_str(&close::render());
    out.push('\n');
    out.push_str(&samples::render());
    out
}

/// The crate root, where the paths above start.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where the committed and the generated file first differ, as a line number and both lines.
fn first_difference(committed: &str, generated: &str) -> String {
    let mut committed_lines = committed.lines();
    let mut generated_lines = generated.lines();
    for number in 1.. {
        match (committed_lines.next(), generated_lines.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {number}:\n  committed: {}\n  generated: {}",
                    a.unwrap_or("(end of file)"),
                    b.unwrap_or("(end of file)")
                );
            }
        }
    }
    "only in line endings or the final newline".to_owned()
}

#[test]
fn the_committed_typescript_is_what_the_rust_types_generate() {
    let path = root().join(GENERATED);
    let generated = render();
    if std::env::var(WRITE_VAR).as_deref() == Ok("1") {
        std::fs::write(&path, &generated)
            .unwrap_or_else(|e| panic!("could not write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{GENERATED} is stale: the Rust protocol types changed and it did not follow. Run \
         `{REGENERATE}` to regenerate it, `cd webresource && npm run check` to check the browser \
         code against it, and commit it.\nFirst difference, {}",
        first_difference(&committed, &generated)
    );
}

#[test]
fn every_generated_type_names_the_rust_file_that_declares_it() {
    for declaration in declarations(&config()) {
        let path = root().join(declaration.source);
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} does not open ({e}): fix protocol_ts", path.display()));
        let declared = [
            format!("pub enum {}", declaration.name),
            format!("pub struct {}", declaration.name),
        ];
        assert!(
            declared.iter().any(|d| source.contains(d.as_str())),
            "`{}` is not declared in {}: point its entry in protocol_ts/mod.rs at the right file",
            declaration.name,
            declaration.source
        );
    }
}
