//! The real `duet` binary: settings, credentials, secrets kept out of output, and `--dry-run`.

#[allow(dead_code)]
#[path = "dataverse_support/mod.rs"]
mod support;

use std::process::{Command, Output};

mod process_support;

use support::fixture::{self, APP_TAB, SOLUTION, VERSION};
use support::identity::{CLIENT_ID, TENANT, TOKEN_PREFIX};
use support::{FakeIdentity, FakeOrg, GOOD_SECRET, Package};

const SETTINGS: [&str; 4] = [
    "DUET_DATAVERSE_TENANT_ID",
    "DUET_DATAVERSE_CLIENT_ID",
    "DUET_DATAVERSE_CLIENT_SECRET",
    "DUET_DATAVERSE_AUTHORITY",
];

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

/// Runs `duet <args>` in an empty directory with only the given Dataverse settings, at trace level.
async fn duet(args: Vec<String>, env: Vec<(&'static str, String)>) -> (Output, String) {
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_duet"));
        command
            .args(&args)
            .current_dir(dir.path())
            .env("RUST_LOG", "trace");
        for name in SETTINGS {
            command.env_remove(name);
        }
        command.envs(env);
        let output = command.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output, text)
    })
    .await
    .unwrap()
}

fn settings(identity: &FakeIdentity, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("DUET_DATAVERSE_TENANT_ID", TENANT.to_owned()),
        ("DUET_DATAVERSE_CLIENT_ID", CLIENT_ID.to_owned()),
        ("DUET_DATAVERSE_CLIENT_SECRET", secret.to_owned()),
        ("DUET_DATAVERSE_AUTHORITY", identity.uri()),
    ]
}

fn org_args(command: &str, org: &FakeOrg) -> Vec<String> {
    vec![command.to_owned(), "--org".to_owned(), org.uri()]
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_settings_name_the_variable_to_set() {
    let org = FakeOrg::start(package()).await;

    let (output, text) = duet(org_args("provision", &org), Vec::new()).await;

    assert!(!output.status.success());
    assert!(
        text.contains("DUET_DATAVERSE_TENANT_ID is not set"),
        "{text}"
    );
    assert!(org.state().log.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_secret_fails_clearly_and_is_never_printed() {
    let (identity, org) = support::start(package()).await;
    let bad_secret = "Wr0ng-S3cret-That-Must-Not-Leak";

    let (output, text) = duet(org_args("provision", &org), settings(&identity, bad_secret)).await;

    assert!(!output.status.success());
    assert!(
        text.contains("check DUET_DATAVERSE_CLIENT_SECRET"),
        "{text}"
    );
    assert!(
        !text.contains(bad_secret),
        "the secret was printed:\n{text}"
    );
    assert!(org.state().log.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn neither_the_secret_nor_the_token_appears_in_any_output() {
    let (identity, org) = support::start(package()).await;

    for command in ["provision", "status", "deprovision"] {
        let (_, text) = duet(org_args(command, &org), settings(&identity, GOOD_SECRET)).await;

        assert!(
            !text.contains(GOOD_SECRET),
            "{command} printed the secret:\n{text}"
        );
        assert!(
            !text.contains(TOKEN_PREFIX),
            "{command} printed a token:\n{text}"
        );
    }
    assert!(
        identity.issued().count >= 1,
        "no token was used, so nothing was proved"
    );
    assert!(org.state().log.iter().any(|l| l.contains("WhoAmI")));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_needs_no_credentials_and_sends_nothing() {
    let (identity, org) = support::start(package()).await;

    for command in ["provision", "deprovision"] {
        let mut args = org_args(command, &org);
        args.push("--dry-run".to_owned());
        let (_, text) = duet(args, Vec::new()).await;

        assert!(
            !text.contains("is not set"),
            "{command} --dry-run asked for settings:\n{text}"
        );
    }
    assert!(org.state().log.is_empty());
    assert_eq!(identity.issued().count, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_every_request_it_would_send() {
    let org = FakeOrg::start(package()).await;
    let mut args = org_args("provision", &org);
    args.push("--dry-run".to_owned());

    let (output, text) = duet(args, Vec::new()).await;

    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("POST ") && text.contains("ImportSolutionAsync"),
        "{text}"
    );
    assert!(text.contains("client_secret=<hidden>"), "{text}");
    assert!(
        text.contains("PATCH ") && text.contains("msdyn_channelcapabilities("),
        "{text}"
    );
    assert!(org.state().log.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_http_origin_is_refused_before_anything_is_sent() {
    let (identity, org) = support::start(package()).await;
    let mut args = org_args("provision", &org);
    args.extend(["--origin".to_owned(), "http://duet.contoso.com".to_owned()]);

    let (output, text) = duet(args, settings(&identity, support::GOOD_SECRET)).await;

    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("use https (http is only for localhost)"),
        "{text}"
    );
    assert!(org.state().log.is_empty());
}

/// The package the fake org installs on import: the real default solution's components.
fn real_package(artifacts: &duet::solution::Artifacts) -> Package {
    Package {
        unique_name: artifacts.unique_name.clone(),
        version: artifacts.version.clone(),
        web_resources: artifacts.web_resource_names.clone(),
        app_tab_templates: artifacts.app_tab_template_names.clone(),
        zip: None,
        env_vars: vec!["duet_Origin".to_owned()],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_provisions_every_record_of_records_json_and_deprovision_removes_them_all() {
    let out = tempfile::tempdir().unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(["solution", "build", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(built.status.success());
    let records: duet::solution::records::RecordSet =
        serde_json::from_slice(&std::fs::read(out.path().join("records.json")).unwrap()).unwrap();
    let artifacts = duet::solution::artifacts(None).unwrap();
    let org = FakeOrg::start(real_package(&artifacts)).await;
    let identity = FakeIdentity::start(GOOD_SECRET, &org.uri()).await;

    let (output, text) = duet(
        org_args("provision", &org),
        settings(&identity, GOOD_SECRET),
    )
    .await;
    assert!(output.status.success(), "{text}");
    for record in &records.records {
        let row = org
            .row(&record.entity_set, record.id)
            .unwrap_or_else(|| panic!("{} was not provisioned", record.key));
        for (column, value) in &record.body {
            if !column.ends_with("@odata.bind") {
                assert_eq!(row.get(column), Some(value), "{}.{column}", record.key);
            }
        }
    }

    let data = tempfile::tempdir().unwrap();
    seed_tenant_data(data.path()).await;
    let recordings = data.path().join(duet::service::RECORDINGS_DIR);
    let recorded = duet::recording::recording_path(
        &recordings,
        &duet::engine::TenantId::default(),
        "123456789",
    );
    std::fs::create_dir_all(recorded.parent().unwrap()).unwrap();
    std::fs::write(&recorded, b"DUETREC1").unwrap();
    let exported = data.path().join("audit.jsonl");
    let mut env = settings(&identity, GOOD_SECRET);
    env.push(("DUET_DATA_DIR", data.path().display().to_string()));
    let mut args = org_args("deprovision", &org);
    args.extend(["--export-audit".to_owned(), exported.display().to_string()]);
    let (output, text) = duet(args, env).await;
    assert!(output.status.success(), "{text}");
    assert_eq!(org.all_rows(), Vec::<String>::new());
    assert!(
        text.contains("1 sessions, 0 screen shares, 1 settings, 1 recordings of tenant default"),
        "Duet's own data for the tenant must go too: {text}"
    );
    assert!(!recorded.exists(), "the tenant's recordings go with it");
    let trail = std::fs::read_to_string(&exported).unwrap();
    assert!(trail.contains("\"session.created\"") && trail.contains("\"settings.changed\""));
    assert!(text.contains("kept the tenant's audit trail"), "{text}");
}

/// A tenant with a session and a bookmark folder, made through a real `duet serve` on `dir`.
async fn seed_tenant_data(dir: &std::path::Path) {
    let served = process_support::Duet::start(dir, &[("DUET_ADMIN_KEY", "admin-key")]);
    let http = reqwest::Client::new();
    let started = http
        .post(format!("{}/api/sessions", served.base))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let folder = http
        .post(format!("{}/api/tenant/bookmarks", served.base))
        .bearer_auth("admin-key")
        .json(&serde_json::json!({"kind": "folder", "name": "Help"}))
        .send()
        .await
        .unwrap();
    assert_eq!(folder.status(), 201);
    served.stop();
}
