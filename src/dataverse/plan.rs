//! `--dry-run`: the requests a run would send, printed and never sent; needs no credentials.

use std::io::Write;

use serde_json::{Value, json};

use super::client::API_PATH;
use uuid::Uuid;

use super::deprovision::Options as RemovalOptions;
use super::paths::{self, FRAMEWORK_TABLES};
use super::provision::Options;
use super::{origin, say};
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
    /// The condition under which it is sent, e.g. `when an older managed version is installed`;
    /// `None` for requests every run sends.
    pub when: Option<&'static str>,
}

/// The requests of `duet provision`, in order, after the token request.
pub fn provision(org: &str, artifacts: &Artifacts, options: &Options) -> Vec<PlannedRequest> {
    let mut plan = Plan::new(org);
    plan.get(paths::WHO_AM_I.to_owned());
    FRAMEWORK_TABLES
        .iter()
        .for_each(|t| plan.get(paths::entity_definition(t)));
    plan.get(paths::solution_query(&artifacts.unique_name));
    plan.import(artifacts);
    plan.send(
        "PATCH",
        "solutions(<the installed solution's id>)".to_owned(),
        Some(super::configpage::body(
            &artifacts.configuration_page_id.to_string(),
        )),
        None,
    );
    if let Some(value) = &options.origin {
        plan.origin(&artifacts.publisher_prefix, value);
    }
    for record in &artifacts.records.records {
        let body = Value::Object(record.body.clone());
        plan.send("PATCH", record.path(), Some(body), None);
    }
    plan.inventory(artifacts);
    plan.requests
}

/// The requests of `duet deprovision`, in order, after the token request.
pub fn deprovision(
    org: &str,
    artifacts: &Artifacts,
    options: &RemovalOptions,
) -> Vec<PlannedRequest> {
    let mut plan = Plan::new(org);
    let name = &artifacts.unique_name;
    plan.get(paths::WHO_AM_I.to_owned());
    plan.get(paths::solution_query(name));
    let installed = Some("when the solution is installed");
    plan.send("GET", paths::uninstall_dependencies(name), None, installed);
    plan.get(paths::CHAT_WIDGETS.to_owned());
    if options.clear_widgets {
        let body = json!({ "msdyn_cobrowseprovider": null, "msdyn_enablecobrowse": false, "msdyn_screensharingprovider": null, "msdyn_enablescreensharing": false });
        let when = Some("for each chat widget using Duet, clearing only what uses it");
        plan.send(
            "PATCH",
            paths::chat_widget("<msdyn_livechatconfigid>"),
            Some(body),
            when,
        );
    }
    for record in artifacts.records.records.iter().rev() {
        plan.send("DELETE", record.path(), None, None);
    }
    plan.get(paths::solution_query(name));
    let body = paths::uninstall_body(name);
    plan.send(
        "POST",
        paths::UNINSTALL_SOLUTION.to_owned(),
        Some(body),
        installed,
    );
    plan.poll(installed);
    let lost = Some("after a lost answer, before sending the uninstall again");
    plan.send("GET", paths::solution_query(name), None, lost);
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
        match request.when {
            Some(when) => say(
                out,
                format_args!("{} {}  ({when})", request.method, request.url),
            ),
            None => say(out, format_args!("{} {}", request.method, request.url)),
        }
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

    fn send(
        &mut self,
        method: &'static str,
        path: String,
        body: Option<Value>,
        when: Option<&'static str>,
    ) {
        let url = format!("{}{path}", self.api);
        self.requests.push(PlannedRequest {
            method,
            url,
            body,
            when,
        });
    }

    fn get(&mut self, path: String) {
        self.send("GET", path, None, None);
    }

    /// The polling of the operation just started, shown once.
    fn poll(&mut self, when: Option<&'static str>) {
        let path = paths::async_operation("<AsyncOperationId>");
        self.send("GET", path, None, when);
    }

    /// The import or the upgrade, with the job id chosen up front, and the follow-up of a lost answer.
    fn import(&mut self, artifacts: &Artifacts) {
        let mut body = paths::import_body(&[], Uuid::nil());
        body["CustomizationFile"] =
            json!(format!("<base64 of {} bytes>", artifacts.managed_zip.len()));
        body["ImportJobId"] = json!("<ImportJobId, a new GUID>");
        let import = Some("when the solution is not installed");
        let upgrade = Some("instead, when an older managed version is installed");
        plan_post(self, paths::IMPORT_SOLUTION, &body, import);
        plan_post(self, paths::STAGE_AND_UPGRADE, &body, upgrade);
        self.poll(Some("when either was sent"));
        let lost = Some("after a 5xx, timeout or lost answer, before any re-send");
        self.send("GET", paths::import_job("<ImportJobId>"), None, lost);
        self.send(
            "GET",
            paths::solution_query(&artifacts.unique_name),
            None,
            lost,
        );
    }

    /// Finding the service address variable and upserting its value.
    fn origin(&mut self, prefix: &str, value: &str) {
        let name = origin::schema_name(prefix);
        self.get(paths::variable_definition_query(&name));
        self.get(paths::variable_value_query(
            "<environmentvariabledefinitionid>",
        ));
        let update = Some("when a value exists: only its value changes");
        let body = json!({ "value": value });
        self.send(
            "PATCH",
            paths::variable_value("<environmentvariablevalueid>"),
            Some(body),
            update,
        );
        let create = Some("when no value exists: created with a fixed id");
        let body = paths::variable_value_body(&name, "<environmentvariabledefinitionid>", value);
        self.send(
            "PATCH",
            paths::variable_value("<fixed id>"),
            Some(body),
            create,
        );
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

fn plan_post(plan: &mut Plan, action: &str, body: &Value, when: Option<&'static str>) {
    plan.send("POST", action.to_owned(), Some(body.clone()), when);
}
