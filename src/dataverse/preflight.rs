//! Before changing anything: who Duet is signed in as, and whether the org has Omnichannel's
//! extensibility tables.

use std::io::Write;

use super::client::Client;
use super::error::Error;
use super::paths::{self, FRAMEWORK_TABLES};
use super::say;

/// `GET WhoAmI`; prints the user id the application user maps to.
pub async fn who_am_i(client: &Client, out: &mut (dyn Write + Send)) -> Result<(), Error> {
    let me = client
        .get("checking the connection (WhoAmI)", paths::WHO_AM_I)
        .await?;
    let user = me["UserId"].as_str().unwrap_or("unknown");
    say(out, format_args!("connected as application user {user}"));
    Ok(())
}

/// Checks that the six framework tables exist; the first missing one is an error naming it.
pub async fn check_tables(client: &Client, out: &mut (dyn Write + Send)) -> Result<(), Error> {
    for table in FRAMEWORK_TABLES {
        let step = format!("checking for the {table} table");
        let found = client
            .get_optional(&step, &paths::entity_definition(table))
            .await?;
        if found.is_none() {
            return Err(Error::MissingTable {
                table: table.to_owned(),
            });
        }
    }
    say(
        out,
        format_args!(
            "the org has the {} Omnichannel tables Duet needs",
            FRAMEWORK_TABLES.len()
        ),
    );
    Ok(())
}
