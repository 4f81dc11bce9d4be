//! `--dry-run` plans: every request a run would send, printed, with no secret and no zip.

#[allow(dead_code)]
#[path = "dataverse_support/mod.rs"]
mod support;

use duet::dataverse::plan;
use support::fixture;

const ORG: &str = "https://contoso.crm.dynamics.com";

fn printed(requests: &[plan::PlannedRequest]) -> String {
    let mut out = Vec::new();
    let token_url = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";
    plan::print(token_url, &format!("{ORG}/.default"), requests, &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn the_provision_plan_checks_imports_upserts_then_reads_back() {
    let artifacts = fixture::artifacts();

    let requests = plan::provision(ORG, &artifacts);

    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect();
    let api = format!("{ORG}/api/data/v9.2/");
    assert_eq!(lines[0], format!("GET {api}WhoAmI"));
    assert_eq!(
        lines[1],
        format!("GET {api}EntityDefinitions(LogicalName='msdyn_provider')?$select=LogicalName")
    );
    let import = requests
        .iter()
        .position(|r| r.url.ends_with("ImportSolutionAsync"))
        .unwrap();
    let first_patch = requests.iter().position(|r| r.method == "PATCH").unwrap();
    assert!(import < first_patch);
    assert_eq!(
        requests.iter().filter(|r| r.method == "PATCH").count(),
        artifacts.records.records.len()
    );
    assert!(
        lines
            .last()
            .unwrap()
            .contains("solutions?$filter=uniquename eq 'DuetCobrowse'")
    );
}

#[test]
fn the_printed_plan_hides_the_secret_and_the_zip() {
    let artifacts = fixture::artifacts();

    let text = printed(&plan::provision(ORG, &artifacts));

    assert!(text.starts_with("dry run: nothing is sent"));
    assert!(text.contains("client_secret=<hidden>"));
    assert!(text.contains(&format!(
        "<base64 of {} bytes>",
        artifacts.managed_zip.len()
    )));
    assert!(text.contains("\"msdyn_Provider@odata.bind\""));
    assert!(!text.contains(support::GOOD_SECRET));
}

#[test]
fn the_deprovision_plan_deletes_children_first_then_uninstalls() {
    let artifacts = fixture::artifacts();

    let requests = plan::deprovision(ORG, &artifacts);

    let deletes: Vec<&plan::PlannedRequest> =
        requests.iter().filter(|r| r.method == "DELETE").collect();
    assert!(deletes[0].url.contains("msdyn_channelcapabilities("));
    assert!(deletes.last().unwrap().url.contains("msdyn_providers("));
    let uninstall = requests
        .iter()
        .find(|r| r.url.ends_with("UninstallSolutionAsync"))
        .unwrap();
    assert_eq!(
        uninstall.body,
        Some(serde_json::json!({ "SolutionUniqueName": "DuetCobrowse" }))
    );
}
