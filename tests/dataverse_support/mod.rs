//! Test support: a stateful fake Dataverse org and a fake Microsoft Entra ID token endpoint on
//! wiremock, and a small solution to provision.

pub mod fake_org;
pub mod fixture;
pub mod identity;

use std::time::Duration;

use duet::dataverse::{Client, Credentials, RetryPolicy};

pub use fake_org::{FakeOrg, Package};
pub use identity::FakeIdentity;

/// The client secret the fake identity provider accepts.
pub const GOOD_SECRET: &str = "s3cr3t-Fak3-Client-Secret-Value";

/// Retries and polls that take milliseconds, so tests run fast.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(2),
        retry_after_unit: Duration::from_millis(10),
        max_throttle_waits: 10,
        max_throttle_total: Duration::from_secs(5),
        poll_interval: Duration::from_millis(1),
        poll_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(5),
    }
}

/// Credentials for the fake identity provider with the given secret.
pub fn credentials(identity: &FakeIdentity, secret: &str) -> Credentials {
    Credentials {
        authority: identity.uri(),
        tenant_id: identity::TENANT.to_owned(),
        client_id: identity::CLIENT_ID.to_owned(),
        client_secret: secret.to_owned().into(),
    }
}

/// A client for the fake org, signed in with the good secret and fast retries.
pub fn client(identity: &FakeIdentity, org: &FakeOrg) -> Client {
    Client::new(
        &org.uri(),
        credentials(identity, GOOD_SECRET),
        fast_policy(),
    )
    .expect("the fake org's URL is valid")
}

/// Both fakes, started, the org set up for `package`.
pub async fn start(package: Package) -> (FakeIdentity, FakeOrg) {
    let org = FakeOrg::start(package).await;
    let identity = FakeIdentity::start(GOOD_SECRET, &org.uri()).await;
    (identity, org)
}
