//! Counting the CPU instructions server processes run while some work runs: `perf stat` where the
//! machine exposes hardware counters, else valgrind's callgrind (the servers started under it,
//! their counters zeroed before the work and dumped after it with `callgrind_control`). Either
//! count is of user-space instructions and does not drift with the machine's load.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// How instructions are counted here.
#[derive(Debug, Clone)]
pub enum Counter {
    /// `perf stat -e instructions:u` attached to the processes.
    Perf,
    /// callgrind, writing its dumps into this directory.
    Callgrind(PathBuf),
}

impl Counter {
    /// perf when it counts here, else callgrind when valgrind is installed, else `None`.
    pub fn find(scratch: &Path) -> Option<Self> {
        if perf_counts() {
            return Some(Self::Perf);
        }
        let valgrind = Command::new("valgrind").arg("--version").output();
        valgrind
            .is_ok_and(|out| out.status.success())
            .then(|| Self::Callgrind(scratch.to_owned()))
    }

    /// What the servers to count must be started under.
    pub fn wrapper(&self) -> Vec<String> {
        match self {
            Self::Perf => Vec::new(),
            Self::Callgrind(dir) => vec![
                "valgrind".into(),
                "--tool=callgrind".into(),
                "--quiet".into(),
                format!("--callgrind-out-file={}/cg.%p", dir.display()),
            ],
        }
    }

    /// Its name in the report.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Perf => "perf stat",
            Self::Callgrind(_) => "callgrind",
        }
    }

    /// The instructions each of `pids` ran while `work` ran.
    pub async fn count(
        &self,
        pids: &[u32],
        work: impl std::future::Future<Output = anyhow::Result<()>>,
    ) -> anyhow::Result<Vec<u64>> {
        match self {
            Self::Perf => perf_count(pids, work).await,
            Self::Callgrind(dir) => {
                for pid in pids {
                    control(&["-z", &pid.to_string()])?;
                }
                work.await?;
                pids.iter()
                    .map(|pid| {
                        control(&["-d", &pid.to_string()])?;
                        latest_total(dir, *pid)
                    })
                    .collect()
            }
        }
    }
}

fn control(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("callgrind_control").args(args).output()?;
    if !out.status.success() {
        bail!(
            "callgrind_control {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The `totals:` (or `summary:`) of the newest dump of `pid` in `dir`.
fn latest_total(dir: &Path, pid: u32) -> anyhow::Result<u64> {
    let prefix = format!("cg.{pid}.");
    let newest = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let part: u64 = name.strip_prefix(&prefix)?.parse().ok()?;
            Some((part, entry.path()))
        })
        .max()
        .context("callgrind wrote no dump")?;
    let text = std::fs::read_to_string(&newest.1)?;
    text.lines()
        .find_map(|line| {
            let rest = line
                .strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .context("the callgrind dump has no totals")
}

async fn perf_count(
    pids: &[u32],
    work: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<Vec<u64>> {
    let list: Vec<String> = pids.iter().map(u32::to_string).collect();
    let child = Command::new("perf")
        .args([
            "stat",
            "-x",
            ",",
            "-e",
            "instructions:u",
            "--per-thread",
            "-p",
        ])
        .arg(list.join(","))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting perf stat")?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let worked = work.await;
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    let output = child.wait_with_output()?;
    worked?;
    Ok(per_process(&String::from_utf8_lossy(&output.stderr), pids))
}

/// Sums `perf stat --per-thread -x ,` lines (`<comm>-<tid>,<count>,,instructions:u,…`) by the
/// process each thread belongs to.
fn per_process(perf: &str, pids: &[u32]) -> Vec<u64> {
    let mut sums = vec![0u64; pids.len()];
    for line in perf.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        let (Some(thread), Some(count)) = (fields.first(), fields.get(1)) else {
            continue;
        };
        let Some(tid) = thread
            .rsplit('-')
            .next()
            .and_then(|t| t.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(count) = count.trim().parse::<u64>() else {
            continue;
        };
        let owner = std::fs::read_to_string(format!("/proc/{tid}/status"))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("Tgid:").map(|t| t.trim().parse::<u32>()))
            })
            .and_then(Result::ok)
            .unwrap_or(tid);
        if let Some(index) = pids.iter().position(|pid| *pid == owner) {
            sums[index] += count;
        }
    }
    sums
}

fn perf_counts() -> bool {
    Command::new("perf")
        .args(["stat", "-x", ",", "-e", "instructions:u", "true"])
        .output()
        .is_ok_and(|out| {
            let said = String::from_utf8_lossy(&out.stderr);
            out.status.success()
                && said.lines().any(|l| {
                    l.split(',')
                        .next()
                        .is_some_and(|c| c.parse::<u64>().is_ok())
                })
        })
}
