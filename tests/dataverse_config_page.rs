//! `duet provision` makes Duet's configuration page the solution's configuration page (the
//! solution row's `configurationpageid`), and a refusal of that is reported without stopping
//! the install.

#[allow(dead_code)]
#[path = "dataverse_support/mod.rs"]
mod support;

use duet::dataverse::provision;
use support::fixture::{self, CONFIGURATION_PAGE};

#[tokio::test]
async fn provision_points_the_solutions_configuration_page_at_duets_page() {
    let (identity, org) = support::start(fixture::package()).await;
    let client = support::client(&identity, &org);
    let mut out = Vec::new();
    let options = provision::Options::default();
    provision::provision(&client, &fixture::artifacts(), &options, &mut out)
        .await
        .unwrap();
    let said = String::from_utf8(out).unwrap();
    assert!(
        said.contains("the solution's configuration page is"),
        "{said}"
    );
    let solutions = org.snapshot()["solutions"].clone();
    let row = solutions.values().next().expect("the installed solution");
    assert_eq!(
        row["configurationpageid@odata.bind"],
        format!("/webresourceset({CONFIGURATION_PAGE})")
    );
}
