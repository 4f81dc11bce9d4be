//! `provision` against the stateful fake org: effects checked in the fake's tables.

#[allow(dead_code)]
#[path = "dataverse_support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use duet::dataverse::{Error, provision};
use serde_json::json;
use support::fixture::{self, APP_TAB, SOLUTION, VERSION, id};
use support::{FakeOrg, Package};

fn package() -> Package {
    fixture::package()
}

async fn run(identity: &support::FakeIdentity, org: &FakeOrg) -> (Result<(), Error>, String) {
    run_with(identity, org, &provision::Options::default()).await
}

async fn run_with(
    identity: &support::FakeIdentity,
    org: &FakeOrg,
    options: &provision::Options,
) -> (Result<(), Error>, String) {
    let mut out = Vec::new();
    let client = support::client(identity, org);
    let result = provision::provision(&client, &fixture::artifacts(), options, &mut out).await;
    (result, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn provision_creates_every_record_with_the_right_options_and_bindings() {
    let (identity, org) = support::start(package()).await;

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    let provider = id("provider");
    let cobrowse = id("action:cobrowse");
    let action = org.row("msdyn_conversationactions", cobrowse).unwrap();
    assert_eq!(action["msdyn_eventname"], 100_000_000);
    assert_eq!(action["msdyn_eventparameter"], APP_TAB);
    let locale = org
        .row(
            "msdyn_conversationactionlocales",
            id("locale:cobrowse:1033"),
        )
        .unwrap();
    assert_eq!(locale["msdyn_locale_picklist"], 1033);
    assert_eq!(
        locale["msdyn_conversationactionkey@odata.bind"],
        json!(format!("/msdyn_conversationactions({cobrowse})"))
    );
    let capability = org
        .row("msdyn_channelcapabilities", id("capability:cobrowse"))
        .unwrap();
    assert_eq!(capability["msdyn_escalationchannelmode"], 192_350_002);
    assert_eq!(
        capability["msdyn_Provider@odata.bind"],
        json!(format!("/msdyn_providers({provider})"))
    );
    assert_eq!(
        capability["msdyn_ConversationAction@odata.bind"],
        json!(format!("/msdyn_conversationactions({cobrowse})"))
    );
    let screen = org
        .row("msdyn_channelcapabilities", id("capability:screenshare"))
        .unwrap();
    assert_eq!(screen["msdyn_escalationchannelmode"], 100_000_000);
    assert!(org.row("msdyn_providers", provider).is_some());
    assert!(org.row("msdyn_applicationtabtemplates", APP_TAB).is_some());
    assert_eq!(
        org.row("solutions", SOLUTION.to_lowercase()).unwrap()["version"],
        VERSION
    );
    assert!(
        out.contains("verified record capability:screenshare"),
        "{out}"
    );
    assert!(
        out.contains(&format!("verified app tab template {APP_TAB}")),
        "{out}"
    );
    assert!(out.contains("importing the solution: in progress"), "{out}");
}

#[tokio::test]
async fn provisioning_twice_changes_nothing_the_second_time_as_the_managed_version_is_installed() {
    let (identity, org) = support::start(package()).await;
    run(&identity, &org).await.0.unwrap();
    let before = org.snapshot();

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(org.snapshot(), before);
    assert_eq!(org.state().imports, 1);
    assert!(out.contains("already installed: not importing"), "{out}");
}

#[tokio::test]
async fn the_token_is_fetched_once_for_a_whole_run() {
    let (identity, org) = support::start(package()).await;

    run(&identity, &org).await.0.unwrap();

    assert_eq!(identity.issued().count, 1);
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_use() {
    let (identity, org) = support::start(package()).await;
    identity.issued().expires_in = 0;

    run(&identity, &org).await.0.unwrap();

    assert!(identity.issued().count > 1);
}

#[tokio::test]
async fn a_long_retry_after_is_waited_out_in_full_without_using_the_server_error_attempts() {
    let (identity, org) = support::start(package()).await;
    // 150 "seconds" (1.5 s with the test policy's 10 ms unit): more than the old 60 s cap.
    org.state().throttle = 1;
    org.state().retry_after_secs = 150;
    // Three 500s next: with max_attempts 4 these fit only if the 429 used no attempt.
    org.state().server_errors = 3;
    let started = Instant::now();

    let (result, _) = run(&identity, &org).await;

    result.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "Retry-After was not waited out in full"
    );
    assert!(org.row("msdyn_providers", id("provider")).is_some());
}

#[tokio::test]
async fn endless_throttling_gives_up_after_its_own_budget() {
    let (identity, org) = support::start(package()).await;
    org.state().throttle = 1000;
    org.state().retry_after_secs = 0;

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("WhoAmI") && message.contains("kept throttling Duet (10 waits"),
        "{message}"
    );
}

#[tokio::test]
async fn a_server_error_is_retried_and_the_run_succeeds() {
    let (identity, org) = support::start(package()).await;
    org.state().server_errors = 1;

    let (result, _) = run(&identity, &org).await;

    result.unwrap();
    assert!(
        org.row("msdyn_channelcapabilities", id("capability:cobrowse"))
            .is_some()
    );
}

#[tokio::test]
async fn endless_server_errors_give_up_with_the_step_that_failed() {
    let (identity, org) = support::start(package()).await;
    org.state().server_errors = 100;

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("WhoAmI") && message.contains("gave up after 4 attempts"),
        "{message}"
    );
}

#[tokio::test]
async fn a_missing_omnichannel_table_stops_before_anything_changes() {
    let (identity, org) = support::start(package()).await;
    org.state()
        .missing_tables
        .insert("msdyn_channelcapability".to_owned());

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert_eq!(
        message,
        "the org has no msdyn_channelcapability table: install Omnichannel for Customer Service with third-party co-browse enabled first"
    );
    assert!(org.all_rows().is_empty());
}

#[tokio::test]
async fn a_failed_import_shows_the_import_job_diagnostics() {
    let (identity, org) = support::start(package()).await;
    org.state().failing_import = Some("missing dependency msdynomnichannel".to_owned());

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("importing the solution failed: missing dependency"),
        "{message}"
    );
    assert!(message.contains("result=\"failure\""), "{message}");
    assert!(org.row("msdyn_providers", id("provider")).is_none());
}

#[tokio::test]
async fn a_bad_client_secret_names_the_setting_to_fix() {
    let (identity, org) = support::start(package()).await;
    let creds = support::credentials(&identity, "wrong-secret-value");
    let client = duet::dataverse::Client::new(&org.uri(), creds, support::fast_policy()).unwrap();

    let result = provision::provision(
        &client,
        &fixture::artifacts(),
        &Default::default(),
        &mut Vec::new(),
    )
    .await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("check DUET_DATAVERSE_CLIENT_SECRET"),
        "{message}"
    );
    assert!(!message.contains("wrong-secret-value"));
    assert!(org.state().log.is_empty());
}

fn imports_sent(org: &FakeOrg) -> usize {
    org.count("POST /api/data/v9.2/ImportSolutionAsync")
}

#[tokio::test]
async fn an_import_whose_answer_is_lost_is_followed_up_and_not_sent_again() {
    let (identity, org) = support::start(package()).await;
    org.state().lose_import_response = true;

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(org.state().imports, 1, "exactly one import started");
    assert_eq!(imports_sent(&org), 1);
    assert_eq!(org.count("GET /api/data/v9.2/importjobs("), 1, "{out}");
    assert!(out.contains("started, following it"), "{out}");
    assert!(org.row("msdyn_providers", id("provider")).is_some());
}

#[tokio::test]
async fn an_import_that_did_not_start_is_sent_again_with_the_same_job_id() {
    let (identity, org) = support::start(package()).await;
    org.state().import_server_errors = 1;

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(org.state().imports, 1);
    assert_eq!(imports_sent(&org), 2);
    let log = org.state().log.clone();
    let asked = log.iter().position(|l| l.contains("importjobs(")).unwrap();
    let resent = log
        .iter()
        .rposition(|l| l.contains("ImportSolutionAsync"))
        .unwrap();
    assert!(
        asked < resent,
        "the import was re-sent before asking whether it started"
    );
    assert!(out.contains("it did not start, sending it again"), "{out}");
}

/// (upgrades, imports) started in the fake org.
fn counts(org: &FakeOrg) -> (u32, u32) {
    let state = org.state();
    (state.upgrades, state.imports)
}

fn installed_solution(org: &FakeOrg, version: &str, managed: bool) {
    let row = json!({ "solutionid": "0b5e0000-0000-4000-8000-000000000001", "uniquename": SOLUTION, "version": version, "ismanaged": managed });
    org.insert("solutions", &SOLUTION.to_lowercase(), row);
}

#[tokio::test]
async fn a_newer_version_upgrades_the_installed_managed_solution() {
    let (identity, org) = support::start(package()).await;
    installed_solution(&org, "0.9.0.0", true);

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(counts(&org), (1, 0));
    assert_eq!(imports_sent(&org), 0);
    assert_eq!(
        org.row("solutions", SOLUTION.to_lowercase()).unwrap()["version"],
        VERSION
    );
    assert!(
        out.contains("upgrading solution DuetCobrowse from 0.9.0.0 to 1.0.0.0"),
        "{out}"
    );
    assert!(out.contains("upgrading the solution: in progress"), "{out}");
}

#[tokio::test]
async fn an_older_version_than_the_installed_one_is_refused_as_a_downgrade() {
    let (identity, org) = support::start(package()).await;
    installed_solution(&org, "2.0.0.0", true);

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(message.contains("refusing to downgrade"), "{message}");
    assert!(message.contains("carries 2.0.0.0 or later"), "{message}");
    assert_eq!(counts(&org), (0, 0));
    assert!(org.row("msdyn_providers", id("provider")).is_none());
}

#[tokio::test]
async fn a_managed_zip_over_an_unmanaged_solution_of_the_same_name_is_refused() {
    let (identity, org) = support::start(package()).await;
    installed_solution(&org, "0.9.0.0", false);

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("an unmanaged solution named DuetCobrowse"),
        "{message}"
    );
    assert!(message.contains("delete the unmanaged one"), "{message}");
    assert_eq!(counts(&org), (0, 0));
    assert!(org.row("msdyn_providers", id("provider")).is_none());
}

fn origin(value: &str) -> provision::Options {
    provision::Options {
        origin: Some(value.to_owned()),
    }
}

fn origin_values(org: &FakeOrg) -> Vec<serde_json::Value> {
    let state = org.state();
    let rows = state.tables.get("environmentvariablevalues");
    rows.into_iter()
        .flat_map(|rows| rows.values())
        .map(|row| json!({ "value": row.get("value"), "bind": row.get("EnvironmentVariableDefinitionId@odata.bind") }))
        .collect()
}

#[tokio::test]
async fn origin_creates_the_variable_value_then_updates_it() {
    let (identity, org) = support::start(package()).await;

    let (first, out) = run_with(&identity, &org, &origin("https://duet.contoso.com")).await;
    first.unwrap();
    let definition = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_OID,
        fixture::ORIGIN_VARIABLE.as_bytes(),
    );
    let bind = format!("/environmentvariabledefinitions({definition})");
    assert_eq!(
        origin_values(&org),
        [json!({ "value": "https://duet.contoso.com", "bind": bind })]
    );
    assert!(
        out.contains("set duet_Origin (the service address) to https://duet.contoso.com"),
        "{out}"
    );

    let (second, _) = run_with(&identity, &org, &origin("https://duet2.contoso.com")).await;

    second.unwrap();
    assert_eq!(
        origin_values(&org),
        [json!({ "value": "https://duet2.contoso.com", "bind": bind })]
    );
}
