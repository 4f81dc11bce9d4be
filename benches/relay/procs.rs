//! The servers under test as child processes: `duet serve` (under coreutils `timeout`, so it
//! cannot outlive a crashed bench) and the bare relay (this binary re-run with a time limit).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// A server child process and the address it printed.
pub struct Server {
    child: Child,
    /// The process that serves (for /proc readings); not `timeout`'s own.
    pub pid: u32,
    /// Where it listens.
    pub addr: SocketAddr,
    // Kept open so the server's later prints do not hit a closed pipe.
    _stdout: BufReader<ChildStdout>,
    /// Duet's data directory, removed with the server.
    data: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts `duet serve --listen 127.0.0.1:0` on a data directory of its own, with `env` on
    /// top, stopped by `timeout` after `max` at the latest.
    pub fn duet(bin: &str, max: Duration, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        Self::duet_under(&[], bin, max, env)
    }

    /// Like [`Server::duet`], run under `wrapper` (e.g. valgrind and its flags).
    pub fn duet_under(
        wrapper: &[String],
        bin: &str,
        max: Duration,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let data = tempfile::tempdir().context("making Duet's data directory")?;
        let mut command = Command::new("timeout");
        command
            .args(["--signal=TERM", &format!("{}s", max.as_secs().max(1))])
            .args(wrapper)
            .args([bin, "serve", "--listen", "127.0.0.1:0"])
            .env("DUET_DATA_DIR", data.path())
            .env_remove("DUET_DATABASE_URL")
            // Every session of the load comes from this one address.
            .env("DUET_JOINS_PER_ADDRESS_PER_MINUTE", "1000000")
            .envs(env.iter().copied());
        let mut server = Self::start(command).with_context(|| format!("starting {bin}"))?;
        server.pid = served_pid(server.child.id())?;
        server.data = Some(data);
        Ok(server)
    }

    /// Starts the bare relay: this bench binary with `--serve-baseline <secs>`.
    pub fn baseline(max: Duration) -> anyhow::Result<Self> {
        Self::baseline_under(&[], max)
    }

    /// Like [`Server::baseline`], run under `wrapper`.
    pub fn baseline_under(wrapper: &[String], max: Duration) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("finding the bench binary")?;
        let mut command = match wrapper.split_first() {
            Some((program, flags)) => {
                let mut command = Command::new(program);
                command.args(flags).arg(exe);
                command
            }
            None => Command::new(exe),
        };
        command.args([
            crate::baseline::SERVE_ARG,
            &max.as_secs().max(1).to_string(),
        ]);
        Self::start(command).context("starting the bare relay")
    }

    fn start(mut command: Command) -> anyhow::Result<Self> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
        let mut line = String::new();
        loop {
            line.clear();
            if stdout.read_line(&mut line)? == 0 {
                let _ = child.kill();
                bail!("the server exited before saying where it listens");
            }
            if let Some((_, rest)) = line.split_once("is listening on http://") {
                let addr = rest.trim().parse().context("reading the listen address")?;
                let pid = child.id();
                return Ok(Self {
                    child,
                    pid,
                    addr,
                    _stdout: stdout,
                    data: None,
                });
            }
        }
    }

    /// Duet's data directory (none for the bare relay).
    pub fn data_dir(&self) -> Option<&Path> {
        self.data.as_ref().map(tempfile::TempDir::path)
    }

    /// Stops the server and waits for it.
    pub fn stop(mut self) {
        // TERM reaches `timeout`, which passes it on to duet; the relay just dies.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The pid of `timeout`'s one child (the real server).
fn served_pid(timeout_pid: u32) -> anyhow::Result<u32> {
    let path = format!("/proc/{timeout_pid}/task/{timeout_pid}/children");
    for _ in 0..50 {
        let children = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().context("reading the server's pid");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!("could not find the server process under timeout (no {path})")
}
