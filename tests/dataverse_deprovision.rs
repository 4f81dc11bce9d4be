//! `deprovision` and `status` against the stateful fake org: nothing may remain, whatever
//! state the org was left in.

#[allow(dead_code)]
#[path = "dataverse_support/mod.rs"]
mod support;

use duet::dataverse::{Error, deprovision, provision, status};
use serde_json::json;
use support::fixture::{self, APP_TAB, SOLUTION, VERSION, id};
use support::{FakeIdentity, FakeOrg, Package};

fn package() -> Package {
    Package {
        unique_name: SOLUTION.to_owned(),
        version: VERSION.to_owned(),
        web_resources: fixture::WEB_RESOURCES.map(str::to_owned).to_vec(),
        app_tab_templates: vec![APP_TAB.to_owned()],
        zip: None,
        env_vars: vec!["duet_Origin".to_owned()],
    }
}

/// Deletes of the seven records, then the uninstall; interrupting after the last one cuts the polling.
const DEPROVISION_MUTATIONS: u32 = 8;

async fn provisioned() -> (FakeIdentity, FakeOrg) {
    let (identity, org) = support::start(package()).await;
    let client = support::client(&identity, &org);
    provision::provision(
        &client,
        &fixture::artifacts(),
        &Default::default(),
        &mut Vec::new(),
    )
    .await
    .unwrap();
    (identity, org)
}

async fn run(identity: &FakeIdentity, org: &FakeOrg) -> (Result<(), Error>, String) {
    run_with(identity, org, &deprovision::Options::default()).await
}

async fn run_with(
    identity: &FakeIdentity,
    org: &FakeOrg,
    options: &deprovision::Options,
) -> (Result<(), Error>, String) {
    let mut out = Vec::new();
    let client = support::client(identity, org);
    let result = deprovision::deprovision(&client, &fixture::artifacts(), options, &mut out).await;
    (result, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn deprovision_leaves_no_record_web_resource_template_or_solution_behind() {
    let (identity, org) = provisioned().await;
    assert!(!org.all_rows().is_empty());

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(org.all_rows(), Vec::<String>::new());
    assert_eq!(org.state().uninstalls, 1);
    assert!(out.contains("nothing of Duet remains"), "{out}");
}

#[tokio::test]
async fn deprovision_deletes_children_before_parents() {
    let (identity, org) = provisioned().await;
    org.state().log.clear();

    run(&identity, &org).await.0.unwrap();

    let log = org.state().log.clone();
    let deletes: Vec<&String> = log.iter().filter(|l| l.starts_with("DELETE")).collect();
    assert!(
        deletes
            .first()
            .unwrap()
            .contains("msdyn_channelcapabilities")
    );
    assert!(deletes.last().unwrap().contains("msdyn_providers"));
    let uninstall = log
        .iter()
        .position(|l| l.contains("UninstallSolutionAsync"))
        .unwrap();
    let last_delete = log.iter().rposition(|l| l.starts_with("DELETE")).unwrap();
    assert!(last_delete < uninstall);
}

#[tokio::test]
async fn deprovision_after_a_partial_provision_leaves_nothing() {
    let (identity, org) = support::start(package()).await;
    org.interrupt_after(3);
    let client = support::client(&identity, &org);
    let partial = provision::provision(
        &client,
        &fixture::artifacts(),
        &Default::default(),
        &mut Vec::new(),
    )
    .await;
    assert!(partial.is_err());
    org.heal();
    assert!(org.row("msdyn_providers", id("provider")).is_some());
    assert!(
        org.row("msdyn_channelcapabilities", id("capability:cobrowse"))
            .is_none()
    );

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(org.all_rows(), Vec::<String>::new());
    assert!(out.contains("was already gone"), "{out}");
}

#[tokio::test]
async fn deprovision_interrupted_after_any_step_finishes_when_run_again() {
    for step in 0..=DEPROVISION_MUTATIONS {
        let (identity, org) = provisioned().await;
        org.interrupt_after(step);
        let (interrupted, _) = run(&identity, &org).await;
        assert!(
            interrupted.is_err(),
            "step {step}: the interruption did not stop the run"
        );
        org.heal();

        let (result, out) = run(&identity, &org).await;

        assert!(result.is_ok(), "step {step}: {result:?}\n{out}");
        assert_eq!(org.all_rows(), Vec::<String>::new(), "step {step}");
    }
}

#[tokio::test]
async fn deprovision_of_an_org_without_duet_succeeds_and_changes_nothing() {
    let (identity, org) = support::start(package()).await;

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert!(out.contains("nothing to uninstall"), "{out}");
    assert_eq!(org.state().uninstalls, 0);
}

#[tokio::test]
async fn deprovision_that_leaves_something_fails_and_lists_it() {
    let (identity, org) = provisioned().await;
    org.state().uninstall_keeps_web_resources = true;

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("web resource duet_/cobrowse.html"),
        "{message}"
    );
    assert!(message.contains("web resource duet_/icon.svg"), "{message}");
    assert!(!message.contains("record"), "{message}");
}

#[tokio::test]
async fn status_reports_each_record_present_or_absent_and_the_solution_version() {
    let (identity, org) = provisioned().await;
    let client = support::client(&identity, &org);
    client
        .delete(
            "test",
            &format!(
                "msdyn_channelcapabilities({})",
                id("capability:screenshare")
            ),
        )
        .await
        .unwrap();
    let mut out = Vec::new();

    let found = status::status(&client, &fixture::artifacts(), &mut out)
        .await
        .unwrap();

    let out = String::from_utf8(out).unwrap();
    assert_eq!(found.solution.unwrap().version, VERSION);
    assert!(out.contains("present  record capability:cobrowse"), "{out}");
    assert!(
        out.contains("absent  record capability:screenshare"),
        "{out}"
    );
    assert!(
        out.contains(&format!("present  app tab template {APP_TAB}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("solution {SOLUTION}: version {VERSION}")),
        "{out}"
    );
}

#[tokio::test]
async fn an_uninstall_whose_answer_is_lost_is_not_sent_again() {
    let (identity, org) = provisioned().await;
    org.state().lose_uninstall_response = true;

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert_eq!(org.state().uninstalls, 1);
    assert_eq!(org.count("POST /api/data/v9.2/UninstallSolutionAsync"), 1);
    assert!(out.contains("the solution is gone"), "{out}");
    assert_eq!(org.all_rows(), Vec::<String>::new());
}

#[tokio::test]
async fn a_component_outside_duet_that_depends_on_it_stops_deprovision_before_any_delete() {
    let (identity, org) = provisioned().await;
    org.state().dependencies = vec![json!({
        "dependencytype": 2,
        "dependentcomponenttype": 10_093, "dependentcomponentobjectid": "5e55e55e-0000-4000-8000-000000000001",
        "dependentcomponentbasesolutionid": "a11ce000-0000-4000-8000-000000000001",
        "requiredcomponenttype": 61, "requiredcomponentobjectid": "0eb00000-0000-4000-8000-000000000001",
    })];
    let before = org.snapshot();

    let (result, _) = run(&identity, &org).await;

    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("component of type 10093 5e55e55e-0000-4000-8000-000000000001 (uses Duet's web resource 0eb00000-0000-4000-8000-000000000001)"),
        "{message}"
    );
    assert!(
        message.contains("session template") && message.contains("Nothing was deleted"),
        "{message}"
    );
    assert_eq!(org.snapshot(), before);
    assert_eq!(org.count("DELETE"), 0);
    assert_eq!(org.state().uninstalls, 0);
}

/// Two widgets naming Duet (by provider id, by name) and one naming another provider.
fn widgets(org: &FakeOrg) {
    let provider = id("provider").to_string();
    org.insert("msdyn_livechatconfigs", "a0000000-0000-4000-8000-000000000001", json!({
        "msdyn_livechatconfigid": "a0000000-0000-4000-8000-000000000001", "msdyn_name": "Support",
        "msdyn_cobrowseprovider": provider, "msdyn_enablecobrowse": true,
        "msdyn_screensharingprovider": "Other", "msdyn_enablescreensharing": true,
    }));
    org.insert(
        "msdyn_livechatconfigs",
        "a0000000-0000-4000-8000-000000000002",
        json!({
            "msdyn_livechatconfigid": "a0000000-0000-4000-8000-000000000002", "msdyn_name": "Sales",
            "msdyn_screensharingprovider": "Duet", "msdyn_enablescreensharing": true,
        }),
    );
    org.insert(
        "msdyn_livechatconfigs",
        "a0000000-0000-4000-8000-000000000003",
        json!({
            "msdyn_livechatconfigid": "a0000000-0000-4000-8000-000000000003", "msdyn_name": "Other",
            "msdyn_cobrowseprovider": "Other", "msdyn_enablecobrowse": true,
        }),
    );
}

fn widget(org: &FakeOrg, n: u32) -> serde_json::Map<String, serde_json::Value> {
    org.row(
        "msdyn_livechatconfigs",
        format!("a0000000-0000-4000-8000-00000000000{n}"),
    )
    .unwrap()
}

#[tokio::test]
async fn chat_widgets_using_duet_are_reported_and_left_alone_without_clear_widgets() {
    let (identity, org) = provisioned().await;
    widgets(&org);
    let before: Vec<_> = (1..=3).map(|n| widget(&org, n)).collect();

    let (result, out) = run(&identity, &org).await;

    result.unwrap();
    assert!(
        out.contains(
            "chat widget Support (a0000000-0000-4000-8000-000000000001) uses Duet for co-browse"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "chat widget Sales (a0000000-0000-4000-8000-000000000002) uses Duet for screen sharing"
        ),
        "{out}"
    );
    assert!(!out.contains("chat widget Other"), "{out}");
    assert!(out.contains("duet deprovision --clear-widgets"), "{out}");
    assert_eq!((1..=3).map(|n| widget(&org, n)).collect::<Vec<_>>(), before);
}

#[tokio::test]
async fn clear_widgets_empties_duets_provider_fields_and_turns_the_feature_off_first() {
    let (identity, org) = provisioned().await;
    widgets(&org);
    org.state().log.clear();
    let options = deprovision::Options {
        clear_widgets: true,
    };

    let (result, out) = run_with(&identity, &org, &options).await;

    result.unwrap();
    let support = widget(&org, 1);
    assert_eq!(support["msdyn_cobrowseprovider"], serde_json::Value::Null);
    assert_eq!(support["msdyn_enablecobrowse"], false);
    assert_eq!(support["msdyn_screensharingprovider"], "Other");
    assert_eq!(support["msdyn_enablescreensharing"], true);
    let sales = widget(&org, 2);
    assert_eq!(
        sales["msdyn_screensharingprovider"],
        serde_json::Value::Null
    );
    assert_eq!(sales["msdyn_enablescreensharing"], false);
    assert_eq!(widget(&org, 3)["msdyn_cobrowseprovider"], "Other");
    let log = org.state().log.clone();
    let last_clear = log
        .iter()
        .rposition(|l| l.contains("PATCH /api/data/v9.2/msdyn_livechatconfigs("))
        .unwrap();
    let provider_deleted = log
        .iter()
        .position(|l| l.contains("DELETE /api/data/v9.2/msdyn_providers("))
        .unwrap();
    assert!(last_clear < provider_deleted);
    assert!(
        out.contains("cleared co-browse from chat widget Support"),
        "{out}"
    );
}

#[tokio::test]
async fn status_shows_the_service_address_or_that_it_is_not_set() {
    let (identity, org) = provisioned().await;
    let client = support::client(&identity, &org);
    let mut before = Vec::new();
    status::status(&client, &fixture::artifacts(), &mut before)
        .await
        .unwrap();
    let options = provision::Options {
        origin: Some("https://duet.contoso.com".to_owned()),
    };
    provision::provision(&client, &fixture::artifacts(), &options, &mut Vec::new())
        .await
        .unwrap();
    let mut after = Vec::new();

    status::status(&client, &fixture::artifacts(), &mut after)
        .await
        .unwrap();

    let (before, after) = (
        String::from_utf8(before).unwrap(),
        String::from_utf8(after).unwrap(),
    );
    assert!(
        before.contains("service address (duet_Origin): not set"),
        "{before}"
    );
    assert!(
        after.contains("service address (duet_Origin): https://duet.contoso.com"),
        "{after}"
    );
}
