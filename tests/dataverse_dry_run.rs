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

    let requests = plan::provision(ORG, &artifacts, &Default::default());

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
        artifacts.records.records.len() + 1,
        "the records, and the solution's configuration page"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("PATCH") && line.contains("solutions("))
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

    let text = printed(&plan::provision(ORG, &artifacts, &Default::default()));

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

    let requests = plan::deprovision(ORG, &artifacts, &Default::default());

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

fn find<'a>(
    requests: &'a [plan::PlannedRequest],
    method: &str,
    part: &str,
) -> Option<(usize, &'a plan::PlannedRequest)> {
    requests
        .iter()
        .enumerate()
        .find(|(_, r)| r.method == method && r.url.contains(part))
}

#[test]
fn the_provision_plan_shows_the_job_id_the_upgrade_and_the_follow_up_of_a_lost_answer() {
    let artifacts = fixture::artifacts();

    let requests = plan::provision(ORG, &artifacts, &Default::default());

    let (_, import) = find(&requests, "POST", "ImportSolutionAsync").unwrap();
    let body = import.body.as_ref().unwrap();
    assert_eq!(body["ImportJobId"], "<ImportJobId, a new GUID>");
    assert_eq!(import.when, Some("when the solution is not installed"));
    let (_, upgrade) = find(&requests, "POST", "StageAndUpgradeAsync").unwrap();
    assert_eq!(
        upgrade.body.as_ref().unwrap()["ImportJobId"],
        "<ImportJobId, a new GUID>"
    );
    assert!(upgrade.when.unwrap().contains("older managed version"));
    let (_, job) = find(&requests, "GET", "importjobs(<ImportJobId>)").unwrap();
    assert!(job.when.unwrap().contains("lost answer"));
    assert!(find(&requests, "GET", "environmentvariable").is_none());
    let text = printed(&requests);
    assert!(
        text.contains(
            "StageAndUpgradeAsync  (instead, when an older managed version is installed)"
        ),
        "{text}"
    );
}

#[test]
fn the_provision_plan_with_origin_finds_the_variable_and_upserts_its_value() {
    let artifacts = fixture::artifacts();
    let options = duet::dataverse::provision::Options {
        origin: Some("https://duet.contoso.com".to_owned()),
    };

    let requests = plan::provision(ORG, &artifacts, &options);

    let (definition, _) = find(
        &requests,
        "GET",
        "environmentvariabledefinitions?$filter=schemaname eq 'duet_Origin'",
    )
    .unwrap();
    let (value, _) = find(
        &requests,
        "GET",
        "environmentvariablevalues?$filter=_environmentvariabledefinitionid_value eq",
    )
    .unwrap();
    let writes: Vec<&plan::PlannedRequest> = requests
        .iter()
        .filter(|r| r.method == "PATCH" && r.url.contains("environmentvariablevalues("))
        .collect();
    assert_eq!(writes.len(), 2, "update or create");
    assert_eq!(
        writes[0].body,
        Some(serde_json::json!({ "value": "https://duet.contoso.com" }))
    );
    let create = writes[1].body.as_ref().unwrap();
    assert_eq!(
        create["EnvironmentVariableDefinitionId@odata.bind"],
        "/environmentvariabledefinitions(<environmentvariabledefinitionid>)"
    );
    let (import, _) = find(&requests, "POST", "ImportSolutionAsync").unwrap();
    assert!(import < definition && definition < value);
}

#[test]
fn the_deprovision_plan_checks_dependencies_and_widgets_before_any_delete() {
    let artifacts = fixture::artifacts();
    let options = duet::dataverse::deprovision::Options {
        clear_widgets: true,
    };

    let requests = plan::deprovision(ORG, &artifacts, &options);

    let first_delete = requests.iter().position(|r| r.method == "DELETE").unwrap();
    let (dependencies, _) = find(
        &requests,
        "GET",
        "RetrieveDependenciesForUninstall(SolutionUniqueName='DuetCobrowse')",
    )
    .unwrap();
    let (widgets, _) = find(&requests, "GET", "msdyn_livechatconfigs?$select=").unwrap();
    let (clear, patch) = find(&requests, "PATCH", "msdyn_livechatconfigs(").unwrap();
    assert!(dependencies < widgets && widgets < clear && clear < first_delete);
    assert_eq!(patch.body.as_ref().unwrap()["msdyn_enablecobrowse"], false);
    let without = plan::deprovision(ORG, &artifacts, &Default::default());
    assert!(find(&without, "PATCH", "msdyn_livechatconfigs(").is_none());
}
