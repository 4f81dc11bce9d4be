//! A stateful fake Dataverse Web API: tables of rows in memory behind one wiremock responder,
//! asynchronous operations, and fault injection (429, 500, interruption, missing tables).

mod routes;
mod solutions;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// What `ImportSolutionAsync` installs: the solution, its web resources and app tab templates.
#[derive(Debug, Clone)]
pub struct Package {
    /// Unique name.
    pub unique_name: String,
    /// Version.
    pub version: String,
    /// Web resource names.
    pub web_resources: Vec<String>,
    /// App tab template unique names.
    pub app_tab_templates: Vec<String>,
    /// The exact zip expected, or `None` to accept any valid base64.
    pub zip: Option<Vec<u8>>,
    /// Schema names of the environment variable definitions the solution holds.
    pub env_vars: Vec<String>,
}

/// Tables of rows by entity set, then by lower-case id.
pub type Tables = BTreeMap<String, BTreeMap<String, Map<String, Value>>>;

/// The org's state; tests read and change it through [`FakeOrg::state`].
#[derive(Debug, Default)]
pub struct State {
    /// Every table's rows.
    pub tables: Tables,
    /// Tables whose `EntityDefinitions` answer 404.
    pub missing_tables: BTreeSet<String>,
    /// Asynchronous operations by id: (polls left before completion, final statuscode, message).
    pub operations: BTreeMap<String, (u32, i64, String)>,
    /// When set, the next import fails with this message and import job data.
    pub failing_import: Option<String>,
    /// How many imports were started.
    pub imports: u32,
    /// How many upgrades (`StageAndUpgradeAsync`) were started.
    pub upgrades: u32,
    /// When set, the next import or upgrade runs but its answer is lost (HTTP 500).
    pub lose_import_response: bool,
    /// The next N imports or upgrades answer 500 without starting.
    pub import_server_errors: u32,
    /// How many uninstalls were started.
    pub uninstalls: u32,
    /// When set, the next uninstall runs but its answer is lost (HTTP 500).
    pub lose_uninstall_response: bool,
    /// What `RetrieveDependenciesForUninstall` answers.
    pub dependencies: Vec<Value>,
    /// When set, uninstalling leaves the web resources behind (a broken uninstall).
    pub uninstall_keeps_web_resources: bool,
    /// The next N requests answer 429 with `Retry-After: retry_after_secs`.
    pub throttle: u32,
    /// `Retry-After` of injected 429s.
    pub retry_after_secs: u64,
    /// The next N requests answer 500.
    pub server_errors: u32,
    /// Mutating requests still allowed before the org goes down (every request 503s).
    pub mutations_left: Option<u32>,
    /// Every request: method and path with query.
    pub log: Vec<String>,
    package: Option<Package>,
}

/// The running fake org.
pub struct FakeOrg {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

struct Responder(Arc<Mutex<State>>);

impl FakeOrg {
    /// Starts an org with Omnichannel's tables and nothing of Duet.
    pub async fn start(package: Package) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            package: Some(package),
            ..State::default()
        }));
        Mock::given(any())
            .respond_with(Responder(state.clone()))
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The org URL, e.g. `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The state, locked.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// A row by entity set and id.
    pub fn row(&self, entity_set: &str, id: impl ToString) -> Option<Map<String, Value>> {
        let id = id.to_string().to_lowercase();
        self.state().tables.get(entity_set)?.get(&id).cloned()
    }

    /// Every row of every table, for before/after comparisons.
    pub fn snapshot(&self) -> Tables {
        self.state().tables.clone()
    }

    /// Every row, as `entity_set(id)`, in any table: empty when the org holds nothing.
    pub fn all_rows(&self) -> Vec<String> {
        let state = self.state();
        let rows = state
            .tables
            .iter()
            .flat_map(|(set, rows)| rows.keys().map(move |id| format!("{set}({id})")));
        rows.collect()
    }

    /// Puts a row into a table, as if an admin had made it.
    pub fn insert(&self, entity_set: &str, id: &str, row: Value) {
        let row = row.as_object().cloned().expect("a row is a JSON object");
        self.state()
            .table(entity_set)
            .insert(id.to_lowercase(), row);
    }

    /// How many requests in the log start with `prefix`, e.g. `POST /api/data/v9.2/ImportSolutionAsync`.
    pub fn count(&self, prefix: &str) -> usize {
        self.state()
            .log
            .iter()
            .filter(|l| l.starts_with(prefix))
            .count()
    }

    /// Lets `k` more mutating requests succeed, then fails every request with 503.
    pub fn interrupt_after(&self, k: u32) {
        self.state().mutations_left = Some(k);
    }

    /// Ends an interruption.
    pub fn heal(&self) {
        self.state().mutations_left = None;
    }
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let line = format!(
            "{} {}",
            request.method,
            routes::path_and_query(&request.url)
        );
        state.log.push(line);
        if let Some(refusal) = routes::check_headers(request) {
            return refusal;
        }
        if let Some(fault) = state.inject_fault() {
            return fault;
        }
        let mutating = request.method.as_str() != "GET";
        let (response, succeeded) = routes::route(&mut state, request);
        if mutating && succeeded {
            if let Some(left) = state.mutations_left.as_mut() {
                *left = left.saturating_sub(1);
            }
        }
        response
    }
}

impl State {
    fn inject_fault(&mut self) -> Option<ResponseTemplate> {
        if self.mutations_left == Some(0) {
            return Some(routes::error(
                503,
                "",
                "the org is down (test interruption)",
            ));
        }
        if self.throttle > 0 {
            self.throttle -= 1;
            let retry_after = self.retry_after_secs.to_string();
            return Some(
                routes::error(429, "0x80072322", "Number of requests exceeded the limit")
                    .insert_header("Retry-After", retry_after.as_str()),
            );
        }
        if self.server_errors > 0 {
            self.server_errors -= 1;
            return Some(routes::error(500, "", "Internal server error"));
        }
        None
    }

    fn package(&self) -> Package {
        self.package.clone().expect("the fake org has a package")
    }

    fn table(&mut self, entity_set: &str) -> &mut BTreeMap<String, Map<String, Value>> {
        self.tables.entry(entity_set.to_owned()).or_default()
    }

    /// Drops tables left empty, so an empty org compares equal to a fresh one.
    fn prune(&mut self) {
        self.tables.retain(|_, rows| !rows.is_empty());
    }
}
