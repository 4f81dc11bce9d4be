//! What the cluster tests run on: real `duet serve` nodes as child processes sharing one
//! PostgreSQL schema (made per test in this run's database) and one NATS server
//! (`DUET_TEST_NATS_URL`, else the local one on 127.0.0.1:4222), and a small TCP load balancer.
//! Without NATS the tests fail when `CI` or `DUET_TEST_NATS_URL` is set, and otherwise skip,
//! loudly.
#![allow(dead_code)]

pub mod balancer;
pub mod session;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

use crate::postgres_support::{self, CaseGuard};
use crate::process_support::Duet;

/// The NATS server this machine runs, when no URL is given.
const LOCAL_NATS: &str = "nats://127.0.0.1:4222";

/// Nodes on one store and one bus.
pub struct Cluster {
    /// The nodes, in the order started.
    pub nodes: Vec<Duet>,
    /// The store every node shares.
    pub database_url: String,
    /// The bus every node shares.
    pub bus_url: String,
    dirs: Vec<TempDir>,
    _case: CaseGuard,
}

impl Cluster {
    /// Starts `count` nodes named `<name>-0`, `<name>-1`, …; `None` when the tests skip.
    pub async fn start(name: &str, count: usize, env: &[(&str, &str)]) -> Option<Cluster> {
        let bus_url = nats_url()?;
        let (database_url, case) = postgres_support::case(name).await?;
        let mut cluster = Cluster {
            nodes: Vec::new(),
            database_url,
            bus_url,
            dirs: Vec::new(),
            _case: case,
        };
        for index in 0..count {
            cluster.add(&format!("{name}-{index}-{}", std::process::id()), env);
        }
        Some(cluster)
    }

    /// Starts one more node named `node`.
    pub fn add(&mut self, node: &str, env: &[(&str, &str)]) -> &Duet {
        let dir = tempfile::tempdir().unwrap();
        let mut all = vec![
            ("DUET_DATABASE_URL", self.database_url.as_str()),
            ("DUET_BUS_URL", self.bus_url.as_str()),
            ("DUET_NODE_NAME", node),
        ];
        all.extend_from_slice(env);
        self.nodes.push(Duet::start(dir.path(), &all));
        self.dirs.push(dir);
        self.nodes.last().unwrap()
    }

    /// Runs `duet <args>` against the shared store.
    pub fn duet(&self, args: &[&str]) -> Output {
        run_duet(self.dirs[0].path(), &self.database_url, args)
    }
}

fn run_duet(dir: &Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(args)
        .env("DUET_DATA_DIR", dir)
        .env("DUET_DATABASE_URL", database_url)
        .output()
        .expect("the duet binary runs")
}

/// The NATS server to use, or `None` to skip (panics when it must be there and is not).
fn nats_url() -> Option<String> {
    let given = std::env::var("DUET_TEST_NATS_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let url = given.clone().unwrap_or_else(|| LOCAL_NATS.to_owned());
    let address = url.trim_start_matches("nats://").to_owned();
    let reachable = std::net::TcpStream::connect_timeout(
        &address
            .parse()
            .expect("DUET_TEST_NATS_URL is nats://<ip>:<port>"),
        std::time::Duration::from_secs(3),
    );
    match reachable {
        Ok(_) => Some(url),
        Err(error) if given.is_some() || std::env::var_os("CI").is_some() => panic!(
            "NATS is not reachable at {url}: {error}: start it (scripts/test.sh starts a \
             throwaway nats-server) or set DUET_TEST_NATS_URL"
        ),
        Err(error) => {
            let line = "=".repeat(78);
            let _ = writeln!(
                std::io::stderr(),
                "\n{line}\nSKIPPED: a cluster test: no NATS server at {url} ({error}).\nRun \
                 scripts/test.sh (it starts one) or set DUET_TEST_NATS_URL.\n{line}"
            );
            None
        }
    }
}
