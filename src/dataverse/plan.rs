//! `--dry-run`: the requests a run would send, printed and never sent; needs no credentials.

use std::io::Write;

use serde_json::{Value, json};

use super::client::API_PATH;
use super::paths::{self, FRAMEWORK_TABLES};
use super::say;
use crate::solution::Artifacts;

/// One request as it would be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRequest {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// The JSON body, when there is one; secrets and zip contents left out.
    pub body: Option<Value>,
}

/// The requests of `duet provision`, in order, after the token request.
pub fn provision(org: &str, artifacts: &Artifacts) -> Vec<PlannedRequest> {
    let mut plan = Plan::new(org);
    plan.get(paths::WHO_AM_I.to_owned());
    FRAMEWORK_TABLES
        .iter()
        .for_each(|t| plan.get(paths::entity_definition(t)));
    plan.get(paths::solution_query(&artifacts.unique_name));
    let mut import = paths::import_body(&[]);
    import["CustomizationFile"] =
        json!(format!("<base64 of {} bytes>", artifacts.managed_zip.len()));
    plan.send("POST", paths::IMPORT_SOLUTION.to_owned(), Some(import));
    plan.poll();
    for record in &artifacts.records.records {
        plan.send(
            "PATCH",
            record.path(),
            Some(Value::Object(record.body.clone())),
        );
    }
    plan.inventory(artifacts);
    plan.requests
}

/// The requests of `duet deprovision`, in order, after the token request.
pub fn deprovision(org: &str, artifacts: &Artifacts) -> Vec<PlannedRequest> {
    let mut plan = Plan::new(org);
    plan.get(paths::WHO_AM_I.to_owned());
    for record in artifacts.records.records.iter().rev() {
        plan.send("DELETE", record.path(), None);
    }
    plan.get(paths::solution_query(&artifacts.unique_name));
    let body = paths::uninstall_body(&artifacts.unique_name);
    plan.send("POST", paths::UNINSTALL_SOLUTION.to_owned(), Some(body));
    plan.poll();
    plan.inventory(artifacts);
    plan.requests
}

/// Prints the token request (secret hidden), then each request with its body.
pub fn print(
    token_url: &str,
    scope: &str,
    requests: &[PlannedRequest],
    out: &mut (dyn Write + Send),
) {
    say(out, "dry run: nothing is sent");
    say(out, format_args!("POST {token_url}"));
    say(
        out,
        format_args!(
            "  grant_type=client_credentials&client_id=<DUET_DATAVERSE_CLIENT_ID>&client_secret=<hidden>&scope={scope}"
        ),
    );
    for request in requests {
        say(out, format_args!("{} {}", request.method, request.url));
        if let Some(body) = &request.body {
            say(out, format_args!("  {body}"));
        }
    }
}

struct Plan {
    api: String,
    requests: Vec<PlannedRequest>,
}

impl Plan {
    fn new(org: &str) -> Self {
        let api = format!("{}{API_PATH}", org.trim_end_matches('/'));
        Self {
            api,
            requests: Vec::new(),
        }
    }

    fn send(&mut self, method: &'static str, path: String, body: Option<Value>) {
        let url = format!("{}{path}", self.api);
        self.requests.push(PlannedRequest { method, url, body });
    }

    fn get(&mut self, path: String) {
        self.send("GET", path, None);
    }

    /// The polling of the operation just started, shown once.
    fn poll(&mut self) {
        self.get(paths::async_operation("<AsyncOperationId>"));
    }

    /// The read-back of every record, web resource, app tab template and the solution.
    fn inventory(&mut self, artifacts: &Artifacts) {
        artifacts
            .records
            .records
            .iter()
            .for_each(|r| self.get(r.path()));
        artifacts
            .web_resource_names
            .iter()
            .for_each(|n| self.get(paths::web_resource_query(n)));
        artifacts
            .app_tab_template_names
            .iter()
            .for_each(|n| self.get(paths::app_tab_template_query(n)));
        self.get(paths::solution_query(&artifacts.unique_name));
    }
}
