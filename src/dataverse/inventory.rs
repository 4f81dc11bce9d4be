//! What of Duet is in the org now: each record, web resource, app tab template and the solution.

use std::io::Write;

use serde_json::Value;

use super::client::Client;
use super::error::Error;
use super::paths;
use super::say;
use super::solution::{self, InstalledSolution};
use crate::solution::Artifacts;

/// One thing Duet puts in the org, and whether it is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// What it is, e.g. `record action:cobrowse (msdyn_conversationactions(…))`.
    pub name: String,
    /// The row as read, when present.
    pub row: Option<Value>,
}

/// Everything of Duet found in the org.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// The records, in provisioning order.
    pub records: Vec<Item>,
    /// The solution's web resources.
    pub web_resources: Vec<Item>,
    /// The solution's app tab templates.
    pub app_tab_templates: Vec<Item>,
    /// The installed solution, if any.
    pub solution: Option<InstalledSolution>,
}

impl Inventory {
    /// The names of everything present: what deprovisioning must not leave behind.
    pub fn leftovers(&self, unique_name: &str) -> Vec<String> {
        let mut left: Vec<String> = self
            .items()
            .filter(|i| i.row.is_some())
            .map(|i| i.name.clone())
            .collect();
        if self.solution.is_some() {
            left.push(format!("solution {unique_name}"));
        }
        left
    }

    /// Prints one line per item, present or absent, then the solution.
    pub fn print(&self, unique_name: &str, out: &mut (dyn Write + Send)) {
        for item in self.items() {
            let state = if item.row.is_some() {
                "present"
            } else {
                "absent"
            };
            say(out, format_args!("{state:>8}  {}", item.name));
        }
        solution::describe(out, unique_name, self.solution.as_ref());
    }

    fn items(&self) -> impl Iterator<Item = &Item> {
        self.records
            .iter()
            .chain(&self.web_resources)
            .chain(&self.app_tab_templates)
    }
}

/// Reads everything Duet may have put in the org.
pub async fn take(client: &Client, artifacts: &Artifacts) -> Result<Inventory, Error> {
    let mut records = Vec::new();
    for record in &artifacts.records.records {
        let step = format!("reading record {}", record.key);
        let row = client.get_optional(&step, &record.path()).await?;
        let name = format!("record {} ({})", record.key, record.path());
        records.push(Item { name, row });
    }
    let mut web_resources = Vec::new();
    for name in &artifacts.web_resource_names {
        let row = first_row(
            client,
            "web resource",
            name,
            &paths::web_resource_query(name),
        )
        .await?;
        web_resources.push(Item {
            name: format!("web resource {name}"),
            row,
        });
    }
    let mut app_tab_templates = Vec::new();
    for name in &artifacts.app_tab_template_names {
        let row = first_row(
            client,
            "app tab template",
            name,
            &paths::app_tab_template_query(name),
        )
        .await?;
        app_tab_templates.push(Item {
            name: format!("app tab template {name}"),
            row,
        });
    }
    let solution = solution::installed(client, &artifacts.unique_name).await?;
    Ok(Inventory {
        records,
        web_resources,
        app_tab_templates,
        solution,
    })
}

async fn first_row(
    client: &Client,
    kind: &str,
    name: &str,
    path: &str,
) -> Result<Option<Value>, Error> {
    let step = format!("looking up {kind} {name}");
    let answer = client.get(&step, path).await?;
    Ok(answer["value"]
        .as_array()
        .and_then(|rows| rows.first())
        .cloned())
}

/// Differences between a record's written body and its row read back; empty when they agree.
///
/// A lookup written as `X@odata.bind: "/set(<id>)"` reads back as `_x_value: "<id>"`.
pub fn differences(key: &str, body: &serde_json::Map<String, Value>, row: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for (column, written) in body {
        let (read_column, expected) = match column.strip_suffix("@odata.bind") {
            Some(nav) => (format!("_{}_value", nav.to_lowercase()), bound_id(written)),
            None => (column.clone(), written.clone()),
        };
        let read = &row[&read_column];
        if !same(read, &expected) {
            found.push(format!(
                "{key}.{read_column} is {read}, expected {expected}"
            ));
        }
    }
    found
}

/// `"/msdyn_providers(<id>)"` → `"<id>"`.
fn bound_id(bind: &Value) -> Value {
    let text = bind.as_str().unwrap_or_default();
    let id = text
        .rsplit_once('(')
        .map_or(text, |(_, rest)| rest.trim_end_matches(')'));
    Value::String(id.to_owned())
}

/// Equal, ignoring the case of ids and text in ids.
fn same(read: &Value, expected: &Value) -> bool {
    match (read.as_str(), expected.as_str()) {
        (Some(a), Some(b)) if uuid::Uuid::parse_str(a).is_ok() => a.eq_ignore_ascii_case(b),
        _ => read == expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_lookup_reads_back_as_its_value_column() {
        let id = "6f1e3c2a-0000-4000-8000-000000000001";
        let written = body(
            json!({ "msdyn_Provider@odata.bind": format!("/msdyn_providers({id})"), "msdyn_escalationchannelmode": 192_350_002 }),
        );
        let row = json!({ "_msdyn_provider_value": id.to_uppercase(), "msdyn_escalationchannelmode": 192_350_002 });
        assert!(differences("capability", &written, &row).is_empty());
    }

    #[test]
    fn a_wrong_option_value_is_reported() {
        let written = body(json!({ "msdyn_escalationchannelmode": 192_350_002 }));
        let row = json!({ "msdyn_escalationchannelmode": 100_000_000 });
        let found = differences("capability", &written, &row);
        assert_eq!(
            found,
            ["capability.msdyn_escalationchannelmode is 100000000, expected 192350002"]
        );
    }
}
