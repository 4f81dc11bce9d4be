//! `deprovision` and `status` against the stateful fake org: nothing may remain, whatever
//! state the org was left in.

#[allow(dead_code)]
#[path = "dataverse_support/mod.rs"]
mod support;

use duet::dataverse::{Error, deprovision, provision, status};
use support::fixture::{self, APP_TAB, SOLUTION, VERSION, id};
use support::{FakeIdentity, FakeOrg, Package};

fn package() -> Package {
    Package {
        unique_name: SOLUTION.to_owned(),
        version: VERSION.to_owned(),
        web_resources: fixture::WEB_RESOURCES.map(str::to_owned).to_vec(),
        app_tab_templates: vec![APP_TAB.to_owned()],
        zip: None,
    }
}

/// Deletes of the seven records, then the uninstall; interrupting after the last one cuts the polling.
const DEPROVISION_MUTATIONS: u32 = 8;

async fn provisioned() -> (FakeIdentity, FakeOrg) {
    let (identity, org) = support::start(package()).await;
    let client = support::client(&identity, &org);
    provision::provision(&client, &fixture::artifacts(), &mut Vec::new())
        .await
        .unwrap();
    (identity, org)
}

async fn run(identity: &FakeIdentity, org: &FakeOrg) -> (Result<(), Error>, String) {
    let mut out = Vec::new();
    let client = support::client(identity, org);
    let result = deprovision::deprovision(&client, &fixture::artifacts(), &mut out).await;
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
    let partial = provision::provision(&client, &fixture::artifacts(), &mut Vec::new()).await;
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
