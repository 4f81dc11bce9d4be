//! The fake org's Web API routes, each a small function over [`State`].

use serde_json::{Map, Value, json};
use uuid::Uuid;
use wiremock::{Request, ResponseTemplate};

use super::State;
use super::solutions::{import, poll, uninstall, upgrade};

const API: &str = "/api/data/v9.2/";
const WRITABLE: [&str; 6] = [
    "msdyn_providers",
    "msdyn_conversationactions",
    "msdyn_conversationactionlocales",
    "msdyn_channelcapabilities",
    "msdyn_livechatconfigs",
    "environmentvariablevalues",
];
const TABLES: [&str; 6] = [
    "msdyn_provider",
    "msdyn_conversationaction",
    "msdyn_conversationactionlocale",
    "msdyn_channelcapability",
    "msdyn_applicationtabtemplate",
    "msdyn_templateparameter",
];

/// A route's answer and whether it succeeded.
pub type Reply = (ResponseTemplate, bool);

/// The path and query of a URL, query decoded.
pub fn path_and_query(url: &url::Url) -> String {
    let query: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    match query.is_empty() {
        true => decoded_path(url),
        false => format!("{}?{}", decoded_path(url), query.join("&")),
    }
}

fn decoded_path(url: &url::Url) -> String {
    url.path().replace("%27", "'").replace("%20", " ")
}

/// A Dataverse error answer.
pub fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "error": { "code": code, "message": message } }))
}

pub(super) fn ok(body: Value) -> Reply {
    (ResponseTemplate::new(200).set_body_json(body), true)
}

pub(super) fn fail(status: u16, message: &str) -> Reply {
    (error(status, "0x80040217", message), false)
}

/// Refuses requests without a token or the standard OData headers (reference 3.2).
pub fn check_headers(request: &Request) -> Option<ResponseTemplate> {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    if !header("authorization")
        .starts_with(&format!("Bearer {}", super::super::identity::TOKEN_PREFIX))
    {
        return Some(error(
            401,
            "0x80072560",
            "The user is not a member of the organization.",
        ));
    }
    let odata = header("odata-maxversion") == "4.0" && header("odata-version") == "4.0";
    let json_body =
        request.body.is_empty() || header("content-type").starts_with("application/json");
    if !odata || header("accept") != "application/json" || !json_body {
        return Some(error(
            400,
            "",
            "missing OData-MaxVersion, OData-Version, Accept or Content-Type",
        ));
    }
    None
}

/// Answers one request.
pub fn route(state: &mut State, request: &Request) -> Reply {
    let path = decoded_path(&request.url);
    let Some(resource) = path.strip_prefix(API) else {
        return fail(404, "not the Web API");
    };
    let (name, key) = match resource.split_once('(') {
        Some((name, rest)) => (name, Some(rest.trim_end_matches(')'))),
        None => (resource, None),
    };
    let filter = request
        .url
        .query_pairs()
        .find(|(k, _)| k == "$filter")
        .map(|(_, v)| v.into_owned());
    match (request.method.as_str(), name, key) {
        ("GET", "WhoAmI", None) => {
            ok(json!({ "UserId": Uuid::nil(), "BusinessUnitId": Uuid::nil() }))
        }
        ("GET", "EntityDefinitions", Some(key)) => entity_definition(state, key),
        ("POST", "ImportSolutionAsync", None) => import(state, &request.body),
        ("POST", "StageAndUpgradeAsync", None) => upgrade(state, &request.body),
        ("POST", "UninstallSolutionAsync", None) => uninstall(state, &request.body),
        ("GET", "asyncoperations", Some(id)) => poll(state, id),
        ("GET", "RetrieveDependenciesForUninstall", Some(_)) => {
            ok(json!({ "value": state.dependencies }))
        }
        ("GET", set, None) => query(state, set, filter.as_deref()),
        ("GET", set, Some(id)) => read(state, set, id),
        ("PATCH", "solutions", Some(id)) => set_configuration_page(state, id, &request.body),
        ("PATCH", set, Some(id)) if WRITABLE.contains(&set) => {
            upsert(state, set, id, &request.body)
        }
        ("DELETE", set, Some(id)) if WRITABLE.contains(&set) => delete(state, set, id),
        _ => fail(
            404,
            &format!("Resource not found for the segment '{name}'."),
        ),
    }
}

/// `PATCH solutions(<id>)` with the configuration page lookup, kept on the solution's row.
fn set_configuration_page(state: &mut State, id: &str, body: &[u8]) -> Reply {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return fail(400, "the body is not a JSON object");
    };
    let Some(page) = body.get("configurationpageid@odata.bind").cloned() else {
        return fail(
            400,
            "only configurationpageid is written to a solution here",
        );
    };
    let rows = state.table("solutions");
    let row = rows.values_mut().find(|row| {
        row["solutionid"]
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case(id))
    });
    match row {
        Some(row) => {
            row.insert("configurationpageid@odata.bind".to_owned(), page);
            (ResponseTemplate::new(204), true)
        }
        None => fail(404, &format!("solution With Id = {id} Does Not Exist")),
    }
}

fn entity_definition(state: &State, key: &str) -> Reply {
    let table = key.trim_start_matches("LogicalName=").trim_matches('\'');
    if !TABLES.contains(&table) || state.missing_tables.contains(table) {
        return fail(404, &format!("Could not find entity with name '{table}'"));
    }
    ok(json!({ "LogicalName": table }))
}

/// Every row (no `$filter`), or those where `$filter=<col> eq '<v>'` (or an unquoted id) holds.
fn query(state: &State, set: &str, filter: Option<&str>) -> Reply {
    let condition = match filter {
        None => None,
        Some(filter) => match filter.split_once(" eq ") {
            Some((column, value)) => Some((column, value.trim_matches('\'').replace("''", "'"))),
            None => return fail(400, "the fake answers only `$filter=<col> eq '<v>'`"),
        },
    };
    let rows = state
        .tables
        .get(set)
        .into_iter()
        .flat_map(|rows| rows.values())
        .map(as_read);
    let matching: Vec<Map<String, Value>> = rows
        .filter(|row| {
            condition.as_ref().is_none_or(|(column, value)| {
                row[*column]
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
            })
        })
        .collect();
    ok(json!({ "value": matching }))
}

fn read(state: &State, set: &str, id: &str) -> Reply {
    let row = state
        .tables
        .get(set)
        .and_then(|rows| rows.get(&id.to_lowercase()));
    match row {
        Some(row) => ok(Value::Object(as_read(row))),
        None => fail(404, &format!("{set} With Id = {id} Does Not Exist")),
    }
}

/// A stored row as Dataverse reads it back: `X@odata.bind` becomes `_x_value`.
fn as_read(row: &Map<String, Value>) -> Map<String, Value> {
    let mut read = Map::new();
    for (column, value) in row {
        match column.strip_suffix("@odata.bind") {
            Some(nav) => {
                let id = value
                    .as_str()
                    .and_then(bound)
                    .map(|(_, id)| id)
                    .unwrap_or_default();
                read.insert(format!("_{}_value", nav.to_lowercase()), json!(id));
            }
            None => drop(read.insert(column.clone(), value.clone())),
        }
    }
    read
}

/// `/set(<id>)` → (set, lower-case id).
fn bound(bind: &str) -> Option<(String, String)> {
    let (set, rest) = bind.trim_start_matches('/').split_once('(')?;
    Some((set.to_owned(), rest.trim_end_matches(')').to_lowercase()))
}

/// The navigation properties each table accepts in `@odata.bind` (case-sensitive).
fn navigation(set: &str) -> &'static [&'static str] {
    match set {
        "msdyn_conversationactionlocales" => &["msdyn_conversationactionkey"],
        "msdyn_channelcapabilities" => &["msdyn_Provider", "msdyn_ConversationAction"],
        "environmentvariablevalues" => &["EnvironmentVariableDefinitionId"],
        _ => &[],
    }
}

fn upsert(state: &mut State, set: &str, id: &str, body: &[u8]) -> Reply {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return fail(400, "the body is not a JSON object");
    };
    for (column, value) in &body {
        if let Some(nav) = column.strip_suffix("@odata.bind") {
            if !navigation(set).contains(&nav) {
                return fail(
                    400,
                    &format!(
                        "An undeclared property '{nav}' which only has property annotations in the payload"
                    ),
                );
            }
            let target = value.as_str().and_then(bound);
            let exists = target
                .as_ref()
                .is_some_and(|(s, i)| state.tables.get(s).is_some_and(|rows| rows.contains_key(i)));
            if !exists {
                return fail(400, &format!("{value} Does Not Exist"));
            }
        }
    }
    let row = state.table(set).entry(id.to_lowercase()).or_default();
    if let Some(key) = primary_key(set) {
        // Dataverse reads a row back with its id; the fake stores it for tables read by query.
        row.insert(key.to_owned(), json!(id.to_lowercase()));
    }
    row.extend(body);
    (ResponseTemplate::new(204), true)
}

fn primary_key(set: &str) -> Option<&'static str> {
    match set {
        "environmentvariablevalues" => Some("environmentvariablevalueid"),
        "msdyn_livechatconfigs" => Some("msdyn_livechatconfigid"),
        _ => None,
    }
}

fn delete(state: &mut State, set: &str, id: &str) -> Reply {
    let removed = state.table(set).remove(&id.to_lowercase());
    state.prune();
    match removed {
        Some(_) => (ResponseTemplate::new(204), true),
        None => fail(404, &format!("{set} With Id = {id} Does Not Exist")),
    }
}
