//! Builds the browser bundles (sdk.js, console.js, host.js, shop.js, share.js, admin.js, supervisor.js) from `webresource/` into
//! `$OUT_DIR/assets`, where `src/web` embeds them with `include_bytes!`. Needs Node.js 20+ and npm;
//! `npm ci` runs when `webresource/node_modules` is missing or older than the lock file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

const HINT: &str =
    "install Node.js 20+ and npm (for example `apt-get install nodejs npm`), then build again";

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = root.join("webresource");
    for path in [
        "src",
        "build.mjs",
        "build",
        "package.json",
        "package-lock.json",
        "tsconfig.json",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(path).display());
    }
    println!("cargo:rerun-if-env-changed=DUET_MINIFY");
    // sqlx::migrate! embeds the migrations; a new file there must rebuild the crate.
    println!(
        "cargo:rerun-if-changed={}",
        root.join("migrations").display()
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets");
    if needs_install(&web) {
        run(
            Command::new(npm())
                .arg("ci")
                .arg("--no-audit")
                .arg("--no-fund")
                .current_dir(&web),
            "npm ci",
        );
    }
    run(
        Command::new("node")
            .arg(web.join("build.mjs"))
            .arg(&out)
            .current_dir(&web),
        "node webresource/build.mjs",
    );
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// True when node_modules is missing or older than package-lock.json.
fn needs_install(web: &Path) -> bool {
    let lock = modified(&web.join("package-lock.json"));
    let installed = modified(&web.join("node_modules").join(".package-lock.json"));
    match (lock, installed) {
        (_, None) => true,
        (Some(lock), Some(installed)) => installed < lock,
        (None, Some(_)) => false,
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!(
            "{what} failed ({status}) while building Duet's browser bundles; run it in webresource/ to see why"
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            panic!("{what} could not start: Node.js or npm is missing; {HINT}")
        }
        Err(error) => panic!("{what} could not start ({error}); {HINT}"),
    }
}
