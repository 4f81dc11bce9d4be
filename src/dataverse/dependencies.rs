//! Before deprovisioning deletes anything: `RetrieveDependenciesForUninstall`, and a stop when
//! components outside Duet's solution depend on it (a session template using Duet's app tab …).

use std::io::Write;

use serde_json::Value;

use super::client::Client;
use super::error::Error;
use super::solution::InstalledSolution;
use super::{paths, say};

/// `dependencytype` 1: a dependency inside one solution, removed with it.
const SOLUTION_INTERNAL: i64 = 1;

/// Stops with [`Error::BlockedByDependencies`] when a component from outside the solution
/// depends on one of its components.
pub async fn check(
    client: &Client,
    unique_name: &str,
    installed: &InstalledSolution,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let step = format!("asking which components depend on solution {unique_name}");
    let answer = client
        .get(&step, &paths::uninstall_dependencies(unique_name))
        .await?;
    let rows = answer["value"].as_array().cloned().unwrap_or_default();
    let blocking: Vec<String> = rows
        .iter()
        .filter(|row| is_outside(row, &installed.id))
        .map(describe)
        .collect();
    if !blocking.is_empty() {
        return Err(Error::BlockedByDependencies(blocking));
    }
    say(
        out,
        format_args!("no component outside solution {unique_name} depends on it"),
    );
    Ok(())
}

/// A dependency whose dependent component comes from another solution than Duet's.
fn is_outside(row: &Value, solution_id: &str) -> bool {
    if row["dependencytype"].as_i64() == Some(SOLUTION_INTERNAL) {
        return false;
    }
    let base = row["dependentcomponentbasesolutionid"]
        .as_str()
        .unwrap_or_default();
    !base.eq_ignore_ascii_case(solution_id)
}

/// `<type> <id> (needs Duet's <type> <id>)`.
fn describe(row: &Value) -> String {
    let side = |prefix: &str| {
        let kind = component_type(row[format!("{prefix}componenttype")].as_i64());
        let id = row[format!("{prefix}componentobjectid")]
            .as_str()
            .unwrap_or("unknown id");
        format!("{kind} {id}")
    };
    format!("{} (uses Duet's {})", side("dependent"), side("required"))
}

/// A readable name for the common solution component types; the number otherwise.
fn component_type(code: Option<i64>) -> String {
    let name = match code {
        Some(1) => "table",
        Some(2) => "column",
        Some(20) => "security role",
        Some(26) => "view",
        Some(29) => "process",
        Some(60) => "form",
        Some(61) => "web resource",
        Some(62) => "site map",
        Some(80) => "model-driven app",
        Some(380) => "environment variable definition",
        Some(code) => return format!("component of type {code}"),
        None => "component",
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn internal_and_own_dependencies_do_not_block() {
        let own = "11111111-1111-1111-1111-111111111111";
        let internal = json!({ "dependencytype": 1, "dependentcomponentbasesolutionid": "x" });
        let inside =
            json!({ "dependencytype": 2, "dependentcomponentbasesolutionid": own.to_uppercase() });
        let outside = json!({ "dependencytype": 2, "dependentcomponentbasesolutionid": "22222222-2222-2222-2222-222222222222" });
        assert!(!is_outside(&internal, own));
        assert!(!is_outside(&inside, own));
        assert!(is_outside(&outside, own));
    }

    #[test]
    fn a_blocking_component_is_named_with_its_type_and_id() {
        let row = json!({
            "dependentcomponenttype": 60, "dependentcomponentobjectid": "f0",
            "requiredcomponenttype": 61, "requiredcomponentobjectid": "a1",
        });
        assert_eq!(describe(&row), "form f0 (uses Duet's web resource a1)");
    }
}
