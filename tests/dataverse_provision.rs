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
    Package {
        unique_name: SOLUTION.to_owned(),
        version: VERSION.to_owned(),
        web_resources: fixture::WEB_RESOURCES.map(str::to_owned).to_vec(),
        app_tab_templates: vec![APP_TAB.to_owned()],
        zip: Some(fixture::zip_bytes()),
    }
}

async fn run(identity: &support::FakeIdentity, org: &FakeOrg) -> (Result<(), Error>, String) {
    let mut out = Vec::new();
    let result = provision::provision(
        &support::client(identity, org),
        &fixture::artifacts(),
        &mut out,
    )
    .await;
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
async fn provisioning_twice_changes_nothing_the_second_time() {
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
async fn throttling_waits_for_retry_after_then_succeeds() {
    let (identity, org) = support::start(package()).await;
    org.state().throttle = 2;
    org.state().retry_after_secs = 1;
    let started = Instant::now();

    let (result, _) = run(&identity, &org).await;

    result.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After was not honoured"
    );
    assert!(org.row("msdyn_providers", id("provider")).is_some());
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

    let result = provision::provision(&client, &fixture::artifacts(), &mut Vec::new()).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("check DUET_DATAVERSE_CLIENT_SECRET"),
        "{message}"
    );
    assert!(!message.contains("wrong-secret-value"));
    assert!(org.state().log.is_empty());
}
