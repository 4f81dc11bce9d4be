//! The real `duet` binary as a child process on a data directory the test owns: started,
//! killed with SIGKILL or stopped with SIGTERM, and its `audit` commands run.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A running `duet serve`.
pub struct Duet {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://<addr>`.
    pub base: String,
}

impl Duet {
    /// Starts `duet serve` on 127.0.0.1:0 with its data in `dir`, and waits until it listens.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Duet {
        Self::start_logging(dir, env, Stdio::inherit())
    }

    /// Starts `duet serve` like `start`, its log (stderr) going to `log`.
    pub fn start_logging(dir: &Path, env: &[(&str, &str)], log: impl Into<Stdio>) -> Duet {
        let mut child = Command::new(env!("CARGO_BIN_EXE_duet"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DUET_DATA_DIR", dir)
            .env_remove("DUET_DATABASE_URL")
            .env("RUST_LOG", "error")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the duet binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(30);
        let addr = loop {
            assert!(
                Instant::now() < deadline,
                "duet did not say where it listens"
            );
            let line = lines
                .next()
                .expect("duet exited before listening")
                .expect("stdout is text");
            if let Some(url) = line.strip_prefix("Duet is listening on http://") {
                break url.trim().parse::<SocketAddr>().expect("an address");
            }
        };
        // Keep reading so later prints never meet a closed pipe.
        std::thread::spawn(move || for _ in lines {});
        Duet {
            child,
            base: format!("http://{addr}"),
            addr,
        }
    }

    /// Kills it the way a crash or `kill -9` does: nothing is flushed, nothing said.
    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL is sent");
        self.child.wait().expect("the process is reaped");
    }

    /// Stops it with SIGTERM, as an orchestrator does, and waits for it to exit.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().expect("the process is reaped");
    }
}

impl Drop for Duet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `duet <args>` with its data in `dir`.
pub fn duet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(args)
        .env("DUET_DATA_DIR", dir)
        .env_remove("DUET_DATABASE_URL")
        .output()
        .expect("the duet binary runs")
}

/// The JSON lines `duet audit export` prints for the data in `dir`.
pub fn audit_records(dir: &Path) -> Vec<serde_json::Value> {
    let out = duet(dir, &["audit", "export", "--format", "jsonl"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}
