//! A trace-level run of the real binary signing an agent in with Microsoft Entra ID (a stand-in
//! provider on loopback): the client secret, the code, the state and every token stay out of
//! the log.

mod identity_support;
mod process_support;

use identity_support::popup::{location, no_redirects, open};
use identity_support::{CLIENT_ID, CLIENT_SECRET, StandIn, TENANT};

#[tokio::test(flavor = "multi_thread")]
async fn a_trace_level_run_never_logs_the_client_secret_the_code_or_any_token() {
    let idp = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("duet.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let added = process_support::duet(
        &dir.path().join("data"),
        &[
            "tenant",
            "add",
            "--name",
            "Contoso",
            "--entra-tenant",
            TENANT,
            "--org",
            "https://contoso.crm.dynamics.com",
        ],
    );
    assert!(added.status.success(), "{added:?}");
    let duet = process_support::Duet::start_logging(
        &dir.path().join("data"),
        &[
            ("RUST_LOG", "trace"),
            ("DUET_ENTRA_CLIENT_ID", CLIENT_ID),
            ("DUET_ENTRA_CLIENT_SECRET", CLIENT_SECRET),
            ("DUET_ENTRA_AUTHORITY", &idp.base),
        ],
        log,
    );
    let http = no_redirects();
    let authorize = location(&http, &format!("{}/auth/signin", duet.base)).await;
    let callback = location(&http, &authorize).await;
    let outcome = open(&http, &callback).await;
    let token = outcome.token().expect("signed in");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    duet.stop();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("agent signed in (Microsoft Entra ID)"),
        "the run logged"
    );
    let state = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let mut secrets = vec![CLIENT_SECRET.to_owned(), token, state];
    secrets.extend(idp.issued_secrets());
    for secret in secrets {
        let piece = &secret[secret.len().saturating_sub(24)..];
        assert!(
            !log.contains(piece),
            "a secret ({piece}) appears in the trace-level log"
        );
    }
}
