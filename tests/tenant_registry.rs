//! `duet tenant add|list|remove` on a data directory of their own, as an administrator runs them:
//! registrations are checked, kept in the store `duet serve` reads, and in the audit trail.

mod process_support;
mod support;

use process_support::{audit_records, duet};

const CONTOSO_TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `duet tenant add` for Contoso with one org and `sites`.
fn add_contoso(data: &std::path::Path, org: &str, sites: &[&str]) -> std::process::Output {
    let mut args = vec![
        "tenant",
        "add",
        "--name",
        "Contoso",
        "--entra-tenant",
        CONTOSO_TID,
        "--org",
        org,
    ];
    for site in sites {
        args.extend(["--site", site]);
    }
    duet(data, &args)
}

#[test]
fn a_tenant_is_added_listed_audited_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let added = add_contoso(
        data,
        "https://contoso.crm4.dynamics.com",
        &["https://shop.contoso.com/"],
    );
    assert!(added.status.success(), "{}", text(&added));
    assert!(text(&added).contains("registered tenant contoso"));
    let key = text(&added)
        .lines()
        .find(|line| line.starts_with("duet-chat-"))
        .expect("the chat-platform key, shown once")
        .to_owned();

    let listed = duet(data, &["tenant", "list"]);
    let listing = text(&listed);
    assert!(listing.contains(CONTOSO_TID), "{listing}");
    assert!(
        !listing.contains(&key),
        "the key is shown once and kept nowhere"
    );
    assert!(listing.contains("https://shop.contoso.com"), "{listing}");

    let records = audit_records(data);
    let registered = records
        .iter()
        .find(|r| r["tenant"] == "contoso" && r["action"] == "settings.changed")
        .expect("the registration is in the tenant's audit trail");
    assert_eq!(registered["detail"]["setting"], "registration");

    // A recording of Contoso's and one of another tenant's, as the recorder lays them out.
    let recordings = data.join(duet::service::RECORDINGS_DIR);
    let tenant = |id: &str| duet::engine::TenantId::new(id.to_owned());
    for (owner, session) in [("contoso", "123456789"), ("fabrikam", "987654321")] {
        let path = duet::recording::recording_path(&recordings, &tenant(owner), session);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"DUETREC1").unwrap();
    }

    let removed = duet(data, &["tenant", "remove", "contoso"]);
    assert!(removed.status.success(), "{}", text(&removed));
    assert!(
        text(&removed).contains("1 recordings"),
        "{}",
        text(&removed)
    );
    assert!(
        !duet::recording::tenant_recordings(&recordings, &tenant("contoso")).exists(),
        "a removed tenant's recordings are deleted with it"
    );
    assert!(
        duet::recording::recording_path(&recordings, &tenant("fabrikam"), "987654321").exists(),
        "another tenant's recordings are kept"
    );
    let listed = duet(data, &["tenant", "list"]);
    assert!(
        text(&listed).contains("no tenants are registered"),
        "{}",
        text(&listed)
    );
}

#[test]
fn a_second_registration_of_an_entra_tenant_or_a_plain_http_org_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let add = |name: &str, org: &str| {
        duet(
            data,
            &[
                "tenant",
                "add",
                "--name",
                name,
                "--entra-tenant",
                CONTOSO_TID,
                "--org",
                org,
            ],
        )
    };
    assert!(
        add("Contoso", "https://contoso.crm.dynamics.com")
            .status
            .success()
    );

    let again = add("Contoso Two", "https://contoso2.crm.dynamics.com");
    assert!(!again.status.success());
    assert!(
        text(&again).contains("already registered as contoso"),
        "{}",
        text(&again)
    );

    let plain = add("Fabrikam", "http://fabrikam.crm.dynamics.com");
    assert!(!plain.status.success());
    assert!(
        text(&plain).contains("plain http only for 127.0.0.1"),
        "{}",
        text(&plain)
    );

    let unknown = duet(data, &["tenant", "remove", "nobody"]);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("duet tenant list"),
        "{}",
        text(&unknown)
    );
}

#[tokio::test]
async fn a_running_duet_sees_a_new_registration_within_seconds_without_a_restart() {
    let app = support::spawn().await;
    let directory = &app.state.service.directory;
    assert!(directory.by_entra_tenant(CONTOSO_TID).is_none());
    // Past the background's first read, so only a later refresh can see what follows.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let registry = duet::tenant::registry::Registry::new(app.state.service.store.clone());
    let new = duet::tenant::registry::NewRegistration {
        name: "Contoso".to_owned(),
        entra_tenant: CONTOSO_TID.to_uppercase(),
        orgs: vec!["https://contoso.crm.dynamics.com".to_owned()],
        sites: Vec::new(),
    };
    registry
        .add(new, app.state.service.clock.now())
        .await
        .unwrap();

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
    while directory.by_entra_tenant(CONTOSO_TID).is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the running Duet did not see the registration within 8 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let seen = directory.by_entra_tenant(CONTOSO_TID).unwrap();
    assert_eq!(seen.tenant.as_str(), "contoso");
}

#[test]
fn a_tenant_gets_its_own_policy_from_a_file_and_a_bad_one_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let added = add_contoso(data, "https://contoso.crm.dynamics.com", &[]);
    assert!(added.status.success(), "{}", text(&added));
    let good = dir.path().join("policy.toml");
    std::fs::write(
        &good,
        "mask_selectors = [\"#loyalty\"]\nprivate_by_default = true\n",
    )
    .unwrap();
    let set = duet(
        data,
        &[
            "tenant",
            "set",
            "contoso",
            "--policy",
            good.to_str().unwrap(),
        ],
    );
    assert!(set.status.success(), "{}", text(&set));
    let records = audit_records(data);
    assert!(
        records
            .iter()
            .any(|r| r["detail"]["change"]["policy"]["mask_selectors"][0] == "#loyalty"),
        "the policy change is in the tenant's audit trail: {records:?}"
    );

    let refused_with = |name: &str, content: &str, expected: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let path = file.to_str().unwrap();
        let refused = duet(data, &["tenant", "set", "contoso", "--policy", path]);
        assert!(!refused.status.success());
        assert!(text(&refused).contains(expected), "{}", text(&refused));
    };
    refused_with(
        "bad.toml",
        "allowed_surfaces = [\"everything\"]\n",
        "monitor, window and/or browser",
    );
    refused_with(
        "typo.toml",
        "mask_selector = [\"#x\"]\n",
        "[policy] section",
    );
}

#[test]
fn tenant_set_replaces_orgs_sites_and_ice_servers_and_makes_a_new_chat_key_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let added = add_contoso(data, "https://contoso.crm.dynamics.com", &[]);
    assert!(added.status.success(), "{}", text(&added));
    let nothing = duet(data, &["tenant", "set", "contoso"]);
    assert!(!nothing.status.success());
    assert!(
        text(&nothing).contains("say what to change"),
        "{}",
        text(&nothing)
    );

    let set = duet(
        data,
        &[
            "tenant",
            "set",
            "contoso",
            "--org",
            "https://contoso.crm4.dynamics.com",
            "--site",
            "https://shop.contoso.com",
            "--ice-server",
            "turns:turn.contoso.com:5349",
            "--new-chat-key",
        ],
    );
    assert!(set.status.success(), "{}", text(&set));
    let key = text(&set)
        .lines()
        .find(|line| line.starts_with("duet-chat-"))
        .expect("the new key, shown once")
        .to_owned();
    let listing = text(&duet(data, &["tenant", "list"]));
    assert!(
        listing.contains("orgs https://contoso.crm4.dynamics.com, sites https://shop.contoso.com")
            && listing.contains("ICE servers turns:turn.contoso.com:5349"),
        "{listing}"
    );
    let records = audit_records(data);
    let changed = &records.last().unwrap()["detail"]["change"];
    assert_eq!(changed["chat_key"], "replaced", "{changed}");
    assert!(
        !records.iter().any(|r| r.to_string().contains(&key)),
        "the key is not in the audit trail"
    );

    let bad = duet(
        data,
        &["tenant", "set", "contoso", "--ice-server", "https://turn"],
    );
    assert!(!bad.status.success());
    assert!(text(&bad).contains("stun:host"), "{}", text(&bad));
}
