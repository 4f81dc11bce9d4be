//! The Duet solution in the org: which version is installed, what to do about it, uninstalling it.

use std::cmp::Ordering;
use std::io::Write;

use super::asyncop::{self, Outcome};
use super::client::Client;
use super::error::Error;
use super::paths;
use super::say;

/// A solution row as the org reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledSolution {
    /// `solutionid`.
    pub id: String,
    /// `version`, e.g. `1.0.0.0`.
    pub version: String,
    /// `ismanaged`: false for a development (unmanaged) copy.
    pub managed: bool,
}

/// What provisioning does about the solution, given what is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing installed: `ImportSolutionAsync`.
    Import,
    /// An older managed version installed: `StageAndUpgradeAsync`.
    Upgrade,
    /// The same version installed: nothing to do.
    Skip,
}

/// Chooses the action; a downgrade or an unmanaged solution of the same name is refused.
pub fn decide(
    name: &str,
    installed: Option<&InstalledSolution>,
    offered: &str,
) -> Result<Action, Error> {
    let Some(installed) = installed else {
        return Ok(Action::Import);
    };
    if !installed.managed {
        return Err(Error::UnmanagedInstalled {
            name: name.to_owned(),
            installed: installed.version.clone(),
        });
    }
    match compare_versions(&installed.version, offered) {
        Ordering::Equal => Ok(Action::Skip),
        Ordering::Less => Ok(Action::Upgrade),
        Ordering::Greater => Err(Error::Downgrade {
            name: name.to_owned(),
            installed: installed.version.clone(),
            offered: offered.to_owned(),
        }),
    }
}

/// Compares `major.minor.build.revision` numerically; a missing or non-numeric part counts as 0.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| -> Vec<u64> {
        let mut parts: Vec<u64> = v
            .trim()
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        parts.resize(4.max(parts.len()), 0);
        parts
    };
    let (mut a, mut b) = (parts(a), parts(b));
    let len = a.len().max(b.len());
    a.resize(len, 0);
    b.resize(len, 0);
    a.cmp(&b)
}

/// The installed solution with this unique name, if any.
pub async fn installed(
    client: &Client,
    unique_name: &str,
) -> Result<Option<InstalledSolution>, Error> {
    let step = format!("looking up solution {unique_name}");
    let answer = client
        .get(&step, &paths::solution_query(unique_name))
        .await?;
    let row = answer["value"].as_array().and_then(|rows| rows.first());
    Ok(row.map(|row| InstalledSolution {
        id: row["solutionid"].as_str().unwrap_or_default().to_owned(),
        version: row["version"].as_str().unwrap_or_default().to_owned(),
        // A row without the column is taken as managed: the org always sends it.
        managed: row["ismanaged"].as_bool().unwrap_or(true),
    }))
}

/// Uninstalls the solution with `UninstallSolutionAsync` and follows it to the end. After a lost
/// answer it asks the solutions table whether the uninstall happened before sending it again.
pub async fn uninstall(
    client: &Client,
    unique_name: &str,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let step = format!("uninstalling solution {unique_name}");
    let body = paths::uninstall_body(unique_name);
    let mut resends = 0;
    loop {
        match client
            .post_once(&step, paths::UNINSTALL_SOLUTION, &body)
            .await
        {
            Ok(answer) => return follow_uninstall(client, &step, &answer, out).await,
            Err(error) if error.is_unanswered() => {
                say(
                    out,
                    format_args!("  {step}: no answer; asking the org whether it happened"),
                );
                if gone(client, unique_name).await? {
                    say(out, format_args!("  {step}: the solution is gone"));
                    return Ok(());
                }
                if resends >= client.policy().max_attempts {
                    return Err(error);
                }
                resends += 1;
                say(
                    out,
                    format_args!("  {step}: still installed, so sending the uninstall again"),
                );
            }
            Err(error) => return Err(error),
        }
    }
}

async fn follow_uninstall(
    client: &Client,
    step: &str,
    answer: &serde_json::Value,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let id = asyncop::operation_id(step, answer)?;
    match asyncop::wait(client, step, id, out).await? {
        Outcome::Succeeded => Ok(()),
        Outcome::Failed(message) => Err(asyncop::failed(step, message, String::new())),
        Outcome::Canceled(message) => Err(asyncop::canceled(step, message)),
    }
}

/// Whether the solution disappears within a few polls (an uninstall that did start).
async fn gone(client: &Client, unique_name: &str) -> Result<bool, Error> {
    for round in 0..PROBE_ROUNDS {
        if round > 0 {
            tokio::time::sleep(client.policy().poll_interval).await;
        }
        if installed(client, unique_name).await?.is_none() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Looks after a lost answer: an operation just queued may take a few polls to show.
pub(crate) const PROBE_ROUNDS: u32 = 3;

/// Prints the version line of a solution lookup.
pub fn describe(
    out: &mut (dyn Write + Send),
    unique_name: &str,
    found: Option<&InstalledSolution>,
) {
    match found {
        Some(solution) => say(
            out,
            format_args!(
                "solution {unique_name}: version {}{}",
                solution.version,
                if solution.managed { "" } else { " (unmanaged)" }
            ),
        ),
        None => say(out, format_args!("solution {unique_name}: not installed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn managed(version: &str) -> InstalledSolution {
        InstalledSolution {
            id: String::new(),
            version: version.to_owned(),
            managed: true,
        }
    }

    #[test]
    fn versions_compare_part_by_part_as_numbers() {
        assert_eq!(compare_versions("1.10.0.0", "1.9.0.0"), Ordering::Greater);
        assert_eq!(compare_versions("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(compare_versions("1.0.0.0", "1.0.0.1"), Ordering::Less);
    }

    #[test]
    fn the_action_follows_the_installed_version() {
        assert_eq!(decide("D", None, "1.0.0.0").unwrap(), Action::Import);
        let same = managed("1.0.0.0");
        assert_eq!(decide("D", Some(&same), "1.0.0.0").unwrap(), Action::Skip);
        let older = managed("0.9.0.0");
        assert_eq!(
            decide("D", Some(&older), "1.0.0.0").unwrap(),
            Action::Upgrade
        );
        let newer = managed("2.0.0.0");
        assert!(matches!(
            decide("D", Some(&newer), "1.0.0.0"),
            Err(Error::Downgrade { .. })
        ));
    }
}
