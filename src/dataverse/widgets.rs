//! Chat widgets (`msdyn_livechatconfig`) whose co-browse or screen-share provider is Duet:
//! reported by `duet deprovision`, and cleared with `--clear-widgets` before the provider goes.
//!
//! Assumption: what the string columns `msdyn_cobrowseprovider` / `msdyn_screensharingprovider`
//! store is not documented. Duet treats a widget as using it when either column holds Duet's
//! provider record id (`msdyn_providerid`, with or without braces, any case) or the provider's
//! `msdyn_name` (any case) — the two things the admin center could plausibly store.

use std::io::Write;

use serde_json::{Map, Value, json};

use super::client::Client;
use super::error::Error;
use super::{paths, say};
use crate::solution::Artifacts;

/// The provider record, as Duet wrote it: what a widget may refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// `msdyn_providerid`, lower case.
    pub id: String,
    /// `msdyn_name`, e.g. `Duet`.
    pub name: String,
}

/// One widget using Duet, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widget {
    /// `msdyn_livechatconfigid`.
    pub id: String,
    /// `msdyn_name`.
    pub name: String,
    /// Duet is its co-browse provider.
    pub cobrowse: bool,
    /// Duet is its screen-sharing provider.
    pub screen_sharing: bool,
}

impl Widget {
    /// The update clearing Duet from the widget: provider column emptied, its switch off.
    pub fn clearing_body(&self) -> Value {
        let mut body = Map::new();
        if self.cobrowse {
            body.insert("msdyn_cobrowseprovider".into(), Value::Null);
            body.insert("msdyn_enablecobrowse".into(), json!(false));
        }
        if self.screen_sharing {
            body.insert("msdyn_screensharingprovider".into(), Value::Null);
            body.insert("msdyn_enablescreensharing".into(), json!(false));
        }
        Value::Object(body)
    }

    fn uses(&self) -> &'static str {
        match (self.cobrowse, self.screen_sharing) {
            (true, true) => "co-browse and screen sharing",
            (true, false) => "co-browse",
            _ => "screen sharing",
        }
    }
}

/// Duet's provider record from the artifacts, if the definition has one.
pub fn provider(artifacts: &Artifacts) -> Option<Provider> {
    let record = artifacts
        .records
        .records
        .iter()
        .find(|r| r.table == "msdyn_provider")?;
    Some(Provider {
        id: record.id.to_string().to_lowercase(),
        name: record.body["msdyn_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    })
}

/// Reads every chat widget and keeps those using Duet.
pub async fn using_duet(client: &Client, provider: &Provider) -> Result<Vec<Widget>, Error> {
    let answer = client
        .get("reading the chat widgets", paths::CHAT_WIDGETS)
        .await?;
    let rows = answer["value"].as_array().cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .filter_map(|row| matching(row, provider))
        .collect())
}

/// Prints the widgets using Duet and, unless they are cleared, what to do about them.
pub fn report(widgets: &[Widget], clearing: bool, out: &mut (dyn Write + Send)) {
    if widgets.is_empty() {
        say(out, "no chat widget uses Duet");
        return;
    }
    for widget in widgets {
        say(
            out,
            format_args!(
                "chat widget {} ({}) uses Duet for {}",
                widget.name,
                widget.id,
                widget.uses()
            ),
        );
    }
    if !clearing {
        say(
            out,
            "these widgets will name a provider that no longer exists: run `duet deprovision --clear-widgets` to clear them, or choose another provider in the admin center",
        );
    }
}

/// Clears Duet from each widget (before the provider is deleted).
pub async fn clear(
    client: &Client,
    widgets: &[Widget],
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    for widget in widgets {
        let step = format!("clearing Duet from chat widget {}", widget.name);
        client
            .patch(
                &step,
                &paths::chat_widget(&widget.id),
                &widget.clearing_body(),
            )
            .await?;
        say(
            out,
            format_args!("cleared {} from chat widget {}", widget.uses(), widget.name),
        );
    }
    Ok(())
}

fn matching(row: &Value, provider: &Provider) -> Option<Widget> {
    let refers = |column: &str| {
        let value = row[column].as_str().unwrap_or_default().trim();
        let bare = value.trim_start_matches('{').trim_end_matches('}');
        !value.is_empty()
            && (bare.eq_ignore_ascii_case(&provider.id)
                || value.eq_ignore_ascii_case(&provider.name))
    };
    let widget = Widget {
        id: row["msdyn_livechatconfigid"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        name: row["msdyn_name"].as_str().unwrap_or("(unnamed)").to_owned(),
        cobrowse: refers("msdyn_cobrowseprovider"),
        screen_sharing: refers("msdyn_screensharingprovider"),
    };
    (widget.cobrowse || widget.screen_sharing).then_some(widget)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duet() -> Provider {
        Provider {
            id: "6f1e3c2a-0000-4000-8000-000000000001".into(),
            name: "Duet".into(),
        }
    }

    #[test]
    fn a_widget_naming_duet_by_id_or_name_matches() {
        let by_id = json!({ "msdyn_livechatconfigid": "w1", "msdyn_cobrowseprovider": "{6F1E3C2A-0000-4000-8000-000000000001}" });
        let by_name =
            json!({ "msdyn_livechatconfigid": "w2", "msdyn_screensharingprovider": "duet" });
        let other = json!({ "msdyn_livechatconfigid": "w3", "msdyn_cobrowseprovider": "Other" });
        assert!(matching(&by_id, &duet()).unwrap().cobrowse);
        assert!(matching(&by_name, &duet()).unwrap().screen_sharing);
        assert!(matching(&other, &duet()).is_none());
    }

    #[test]
    fn clearing_touches_only_what_uses_duet() {
        let widget = Widget {
            id: "w".into(),
            name: "Support".into(),
            cobrowse: true,
            screen_sharing: false,
        };
        assert_eq!(
            widget.clearing_body(),
            json!({ "msdyn_cobrowseprovider": null, "msdyn_enablecobrowse": false })
        );
    }
}
