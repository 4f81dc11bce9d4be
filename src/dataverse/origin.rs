//! Duet's service address in the org: the solution's `<prefix>_Origin` environment variable,
//! set by `duet provision --origin` and shown by `duet status`.

use std::io::Write;
use std::net::IpAddr;

use serde_json::Value;
use uuid::Uuid;

use super::client::Client;
use super::error::Error;
use super::{paths, say};

/// The variable's schema name for a publisher prefix, e.g. `duet_Origin`.
pub fn schema_name(prefix: &str) -> String {
    format!("{prefix}_Origin")
}

/// Checks `--origin`: an https origin (scheme, host, optional port; no path, query or
/// credentials); http only for a loopback host. Returns it normalised, without a trailing slash.
pub fn parse(value: &str) -> Result<String, Error> {
    // A password in the URL is never echoed back.
    let shown = match value.split_once('@') {
        Some((_, host)) => format!("<credentials hidden>@{host}"),
        None => value.to_owned(),
    };
    let invalid = |reason: &str| Error::InvalidUrl {
        what: "the service address (--origin)",
        value: shown.clone(),
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(value.trim()).map_err(|e| invalid(&e.to_string()))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(invalid("it has no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(invalid("use https (http is only for localhost)")),
        _ => {
            return Err(invalid(
                "expected https://<host>, e.g. https://duet.contoso.com",
            ));
        }
    }
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !bare || !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "give the origin only (scheme, host and port), e.g. https://duet.contoso.com",
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// The variable as the org holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// The solution has no such definition.
    NoDefinition,
    /// A value row holds this value.
    Value(String),
    /// No value row; the definition's default applies.
    Default(String),
    /// Neither a value nor a default.
    NotSet,
}

/// Creates or updates the variable's value row, then prints it.
pub async fn set(
    client: &Client,
    prefix: &str,
    value: &str,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let name = schema_name(prefix);
    let Some(definition) = definition(client, &name).await? else {
        return Err(Error::MissingVariable { schema_name: name });
    };
    let definition_id = text(&definition, "environmentvariabledefinitionid");
    let step = format!("setting environment variable {name}");
    match value_row(client, &name, &definition_id).await? {
        Some(row) => {
            let id = text(&row, "environmentvariablevalueid");
            if Uuid::parse_str(&id).is_err() {
                return Err(Error::Decode {
                    step,
                    reason: "the value row has no environmentvariablevalueid".to_owned(),
                });
            }
            let body = serde_json::json!({ "value": value });
            client
                .patch(&step, &paths::variable_value(&id), &body)
                .await?;
        }
        None => {
            // A fixed id makes the create an idempotent upsert, safe to retry after a lost answer.
            let id = Uuid::new_v5(
                &Uuid::NAMESPACE_OID,
                format!("duet:{name}:value").as_bytes(),
            );
            let body = paths::variable_value_body(&name, &definition_id, value);
            client
                .patch(&step, &paths::variable_value(&id.to_string()), &body)
                .await?;
        }
    }
    say(
        out,
        format_args!("set {name} (the service address) to {value}"),
    );
    Ok(())
}

/// Reads the variable: its value, else its default, else not set.
pub async fn read(client: &Client, prefix: &str) -> Result<Setting, Error> {
    let name = schema_name(prefix);
    let Some(definition) = definition(client, &name).await? else {
        return Ok(Setting::NoDefinition);
    };
    let definition_id = text(&definition, "environmentvariabledefinitionid");
    if let Some(row) = value_row(client, &name, &definition_id).await? {
        return Ok(Setting::Value(text(&row, "value")));
    }
    Ok(match definition["defaultvalue"].as_str() {
        Some(default) if !default.is_empty() => Setting::Default(default.to_owned()),
        _ => Setting::NotSet,
    })
}

/// Prints the variable's line of `duet status`.
pub fn describe(prefix: &str, setting: &Setting, out: &mut (dyn Write + Send)) {
    let name = schema_name(prefix);
    match setting {
        Setting::NoDefinition => say(
            out,
            format_args!("service address ({name}): no such environment variable in the org"),
        ),
        Setting::Value(value) => say(out, format_args!("service address ({name}): {value}")),
        Setting::Default(value) => say(
            out,
            format_args!("service address ({name}): {value} (the default)"),
        ),
        Setting::NotSet => say(out, format_args!("service address ({name}): not set")),
    }
}

async fn definition(client: &Client, name: &str) -> Result<Option<Value>, Error> {
    let step = format!("looking up environment variable {name}");
    let answer = client
        .get(&step, &paths::variable_definition_query(name))
        .await?;
    Ok(first(answer))
}

async fn value_row(
    client: &Client,
    name: &str,
    definition_id: &str,
) -> Result<Option<Value>, Error> {
    let step = format!("reading the value of environment variable {name}");
    let answer = client
        .get(&step, &paths::variable_value_query(definition_id))
        .await?;
    Ok(first(answer))
}

fn first(answer: Value) -> Option<Value> {
    answer["value"]
        .as_array()
        .and_then(|rows| rows.first())
        .cloned()
}

fn text(row: &Value, column: &str) -> String {
    row[column].as_str().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_origin_is_accepted_and_normalised() {
        assert_eq!(
            parse("https://Duet.Contoso.com/").unwrap(),
            "https://duet.contoso.com"
        );
        assert_eq!(
            parse("https://duet.contoso.com:8443").unwrap(),
            "https://duet.contoso.com:8443"
        );
    }

    #[test]
    fn http_is_accepted_only_for_loopback() {
        assert!(parse("http://127.0.0.1:8080").is_ok());
        assert!(parse("http://localhost:8080").is_ok());
        assert!(parse("http://[::1]:8080").is_ok());
        let refused = parse("http://duet.contoso.com").unwrap_err().to_string();
        assert!(refused.contains("use https"), "{refused}");
    }

    #[test]
    fn a_path_query_or_credentials_are_refused() {
        for value in [
            "https://duet.contoso.com/app",
            "https://duet.contoso.com/?x=1",
            "https://user:pw@duet.contoso.com",
            "ftp://duet.contoso.com",
            "duet.contoso.com",
        ] {
            assert!(parse(value).is_err(), "{value}");
        }
    }
}
