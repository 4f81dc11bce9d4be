//! Agent sign-in with Microsoft Entra ID, against a stand-in identity provider on loopback: the
//! real Duet is driven through `/auth/signin` and `/auth/callback` as a browser would, and each
//! bad identity token is refused with its own message.

mod identity_support;
mod support;

use duet::config::{Config, EntraSettings};
use duet::tenant::registry::{NewRegistration, Registry};
use identity_support::popup::{Outcome, attribute, location, no_redirects, open};
use identity_support::{
    CLIENT_ID, CLIENT_SECRET, OTHER_TENANT, Scenario, StandIn, TENANT, TestKey,
};
use secrecy::SecretString;
use support::App;

fn entra_config(idp: &StandIn) -> Config {
    Config {
        entra: EntraSettings {
            client_id: Some(CLIENT_ID.to_owned()),
            client_secret: Some(SecretString::from(CLIENT_SECRET)),
            authority: idp.base.clone(),
        },
        admin_key: Some(SecretString::from("admin-key-for-entra-tests")),
        ..Config::default()
    }
}

async fn start() -> (StandIn, App) {
    let idp = StandIn::start().await;
    let duet = support::spawn_with(entra_config(&idp)).await;
    register_tenant(&duet).await;
    (idp, duet)
}

/// Contoso's website, where its customers start sessions.
const CONTOSO_SITE: &str = "https://shop.contoso.com";

/// Registers the stand-in's tenant, as `duet tenant add` would, and lets the running Duet see it.
async fn register_tenant(duet: &App) {
    let service = &duet.state.service;
    let new = NewRegistration {
        name: "Contoso".to_owned(),
        entra_tenant: TENANT.to_owned(),
        orgs: vec!["https://contoso.crm.dynamics.com".to_owned()],
        sites: vec![CONTOSO_SITE.to_owned()],
    };
    Registry::new(service.store.clone())
        .add(new, service.clock.now())
        .await
        .unwrap();
    service.directory.refresh().await.unwrap();
}

/// Clicks "Sign in with Microsoft": Duet, then the provider, then back to Duet's callback.
async fn sign_in(duet: &App) -> Outcome {
    let http = no_redirects();
    let authorize = location(&http, &format!("{}/auth/signin", duet.base)).await;
    let callback = location(&http, &authorize).await;
    assert!(callback.starts_with(&format!("{}/auth/callback?", duet.base)));
    open(&http, &callback).await
}

async fn refused_with(scenario: Scenario, expected: &str) -> Outcome {
    let (idp, duet) = start().await;
    idp.set_scenario(scenario);
    let outcome = sign_in(&duet).await;
    assert!(outcome.token().is_none(), "no token on refusal");
    assert!(
        outcome.message().contains(expected),
        "expected {expected:?} in {:?}",
        outcome.message()
    );
    assert!(outcome.page.contains("duet-signin-refused"));
    outcome
}

#[tokio::test]
async fn an_agent_signs_in_with_microsoft_and_the_token_works_on_the_agent_api() {
    let (_idp, duet) = start().await;
    let outcome = sign_in(&duet).await;
    assert_eq!(outcome.status, 200, "{}", outcome.page);
    let token = outcome.token().expect("a Duet agent token");
    assert_eq!(attribute(&outcome.page, "data-name").unwrap(), "Ann Agent");
    assert!(outcome.page.contains("duet-signed-in"));
    assert_eq!(attribute(&outcome.page, "data-origin").unwrap(), duet.base);
    assert!(
        outcome.csp.contains("script-src 'nonce-"),
        "{}",
        outcome.csp
    );
    assert!(outcome.csp.contains("frame-ancestors 'none'"));

    let claims = duet.state.tokens.verify(&token).unwrap();
    assert_eq!(
        claims.sub,
        format!("entra:{TENANT}:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
    );
    assert_eq!(claims.roles, Some(vec!["Duet.Agent".to_owned()]));
    let body = serde_json::json!({ "conversationId": "conv-entra" });
    let started = duet.start_session_from(CONTOSO_SITE, body).await;
    let session = started["sessionId"].as_str().unwrap().to_owned();
    let (status, body) = duet
        .get("/api/agent/pending?conversation=conv-entra", Some(&token))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&session));
    let (status, joined) = duet.join(&token, &session).await;
    assert_eq!(status, 200, "{joined}");

    // The sign-in is in Contoso's own audit trail.
    let query = duet::store::AuditQuery {
        tenant: Some("contoso".to_owned()),
        limit: 100,
        ..Default::default()
    };
    let trail = duet.state.service.store.audit(&query).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|r| r.action == "agent.signed_in" && r.detail["method"] == "entra_id"),
        "{trail:?}"
    );
}

#[tokio::test]
async fn a_token_for_another_application_is_refused_as_wrong_audience() {
    let scenario = Scenario {
        audience: "someone-elses-app".into(),
        ..Scenario::default()
    };
    let outcome = refused_with(scenario, "wrong audience").await;
    assert_eq!(outcome.status, 403);
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused_as_wrong_issuer() {
    let scenario = Scenario {
        issuer: Some(format!("https://login.evil.example/{TENANT}/v2.0")),
        ..Scenario::default()
    };
    refused_with(scenario, "wrong issuer").await;
}

#[tokio::test]
async fn an_expired_token_is_refused_beyond_the_two_minutes_leeway() {
    let scenario = Scenario {
        expires_in: -180,
        ..Scenario::default()
    };
    refused_with(scenario, "has expired").await;
}

#[tokio::test]
async fn a_token_that_expired_within_the_leeway_still_signs_in() {
    let (idp, duet) = start().await;
    idp.set_scenario(Scenario {
        expires_in: -30,
        ..Scenario::default()
    });
    assert!(sign_in(&duet).await.token().is_some());
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused_as_bad_signature() {
    let scenario = Scenario {
        sign_with: TestKey::B,
        kid: TestKey::A.kid(),
        ..Scenario::default()
    };
    refused_with(scenario, "bad signature").await;
}

#[tokio::test]
async fn a_replayed_callback_is_refused_as_unknown_or_used() {
    let (_idp, duet) = start().await;
    let first = sign_in(&duet).await;
    assert!(first.token().is_some());
    let again = open(&no_redirects(), &first.callback).await;
    assert_eq!(again.status, 400);
    assert!(again.token().is_none());
    assert!(
        again.message().contains("already used"),
        "{}",
        again.message()
    );
}

#[tokio::test]
async fn a_token_with_another_nonce_is_refused_as_nonce_mismatch() {
    let scenario = Scenario {
        nonce: Some("a-nonce-from-another-sign-in".into()),
        ..Scenario::default()
    };
    refused_with(scenario, "nonce mismatch").await;
}

#[tokio::test]
async fn a_user_of_an_unregistered_tenant_is_told_their_administrator_must_register_it() {
    let scenario = Scenario {
        tenant: OTHER_TENANT.into(),
        ..Scenario::default()
    };
    let outcome = refused_with(scenario, "is not registered with this Duet").await;
    assert!(outcome.message().contains(OTHER_TENANT));
    assert!(outcome.message().contains("administrator must register it"));
}

#[tokio::test]
async fn a_user_with_no_app_role_is_told_which_roles_exist_and_where_to_assign_them() {
    let scenario = Scenario {
        roles: None,
        ..Scenario::default()
    };
    let outcome = refused_with(scenario, "no Duet role").await;
    let message = outcome.message();
    for word in [
        "Duet.Agent",
        "Duet.Supervisor",
        "Duet.Admin",
        "Users and groups",
    ] {
        assert!(message.contains(word), "{word} in {message}");
    }
}

#[tokio::test]
async fn a_supervisor_signs_in_but_only_an_agent_joins_sessions() {
    let (idp, duet) = start().await;
    idp.set_scenario(Scenario {
        roles: Some(vec!["Duet.Supervisor".into()]),
        ..Scenario::default()
    });
    let token = sign_in(&duet).await.token().expect("a supervisor signs in");
    let (session, _) = duet.start_session(None).await;
    let (status, body) = duet.join(&token, &session).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.to_string().contains("Duet.Agent"), "{body}");
}

#[tokio::test]
async fn a_rotated_signing_key_is_fetched_once_and_the_sign_in_works() {
    let (idp, duet) = start().await;
    assert!(sign_in(&duet).await.token().is_some());
    assert_eq!(idp.jwks_fetches(), 1);

    idp.publish(&[TestKey::B]);
    idp.set_scenario(Scenario {
        sign_with: TestKey::B,
        kid: TestKey::B.kid(),
        ..Scenario::default()
    });
    assert!(sign_in(&duet).await.token().is_some(), "after rotation");
    assert_eq!(idp.jwks_fetches(), 2, "one refetch for the new key");
    assert!(sign_in(&duet).await.token().is_some());
    assert_eq!(idp.jwks_fetches(), 2, "the new key is cached");

    idp.set_scenario(Scenario {
        kid: "a-made-up-key",
        ..Scenario::default()
    });
    let outcome = sign_in(&duet).await;
    assert!(
        outcome.message().contains("does not publish"),
        "{}",
        outcome.message()
    );
    assert_eq!(idp.jwks_fetches(), 2, "no refetch within 30 s of the last");
}

#[tokio::test]
async fn the_providers_own_error_on_the_callback_is_shown() {
    let (_idp, duet) = start().await;
    let url = format!(
        "{}/auth/callback?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent&state=x",
        duet.base
    );
    let outcome = open(&no_redirects(), &url).await;
    assert_eq!(outcome.status, 400);
    assert!(outcome.message().contains("access_denied"));
    assert!(outcome.message().contains("User declined to consent"));
}

#[tokio::test]
async fn an_unreachable_provider_is_reported_without_secrets() {
    let idp = StandIn::start().await;
    let mut config = entra_config(&idp);
    config.entra.authority = "http://127.0.0.1:9".into();
    let duet = support::spawn_with(config).await;
    let outcome = open(&no_redirects(), &format!("{}/auth/signin", duet.base)).await;
    assert_eq!(outcome.status, 502);
    assert!(outcome.message().contains("could not be reached"));
    assert!(!outcome.page.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn with_entra_configured_the_development_sign_in_is_refused_and_names_sign_in_with_microsoft()
{
    let (_idp, duet) = start().await;
    let (status, body) = duet
        .post(
            "/api/agent/signin",
            None,
            serde_json::json!({ "name": "Ann" }),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Sign in with Microsoft")
    );
}

#[tokio::test]
async fn without_entra_the_sign_in_page_names_the_settings_to_set() {
    let duet = support::spawn().await;
    let outcome = open(&no_redirects(), &format!("{}/auth/signin", duet.base)).await;
    assert_eq!(outcome.status, 404);
    assert!(outcome.message().contains("DUET_ENTRA_CLIENT_ID"));
    assert!(outcome.message().contains("DUET_ENTRA_CLIENT_SECRET"));
}
