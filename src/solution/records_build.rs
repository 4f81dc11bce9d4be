//! Builds `records.json`: provider, conversation actions, their locales and the channel capabilities (reference §1.10).

use serde_json::{Map, Value, json};

use super::components::icon_name;
use super::definition::{Button, Definition};
use super::ids;
use super::records::{Record, RecordSet};
use super::webresource::Mode;

/// `msdyn_eventname` "Open App Tab Template".
pub const EVENT_OPEN_APP_TAB_TEMPLATE: u32 = 100_000_000;
/// `msdyn_escalationchannelmode` "Co-browse".
pub const CHANNEL_MODE_COBROWSE: u32 = 192_350_002;
/// `msdyn_escalationchannelmode` "Screen sharing".
pub const CHANNEL_MODE_SCREEN_SHARING: u32 = 100_000_000;

/// Every record of `definition`, parents before children.
pub fn record_set(definition: &Definition) -> RecordSet {
    let prefix = &definition.publisher.prefix;
    let buttons = definition.buttons.all();
    let mut records = vec![provider(definition)];
    records.extend(
        buttons
            .iter()
            .map(|(mode, button)| action(prefix, *mode, button)),
    );
    for (mode, button) in &buttons {
        records.extend(
            button
                .lcids()
                .into_iter()
                .map(|(lcid, _)| locale(prefix, *mode, button, lcid)),
        );
    }
    records.extend(
        buttons
            .iter()
            .map(|(mode, button)| capability(prefix, *mode, button)),
    );
    RecordSet {
        solution_unique_name: definition.solution.unique_name.clone(),
        solution_version: definition.solution.version.clone(),
        records,
    }
}

/// The `msdyn_escalationchannelmode` of `mode`.
pub fn channel_mode(mode: Mode) -> u32 {
    match mode {
        Mode::Cobrowse => CHANNEL_MODE_COBROWSE,
        Mode::Screenshare => CHANNEL_MODE_SCREEN_SHARING,
    }
}

fn provider(definition: &Definition) -> Record {
    let body = json!({ "msdyn_name": definition.solution.provider_name });
    record(
        &definition.publisher.prefix,
        "provider".to_owned(),
        "msdyn_provider",
        "msdyn_providers",
        body,
    )
}

fn action(prefix: &str, mode: Mode, button: &Button) -> Record {
    let icon = ["/WebResources/", &icon_name(prefix, mode)].concat();
    let body = json!({
        "msdyn_name": button.name,
        "msdyn_eventname": EVENT_OPEN_APP_TAB_TEMPLATE,
        "msdyn_eventparameter": button.app_tab.unique_name,
        "msdyn_order": button.order,
        "msdyn_icon": icon,
    });
    record(
        prefix,
        action_key(mode),
        "msdyn_conversationaction",
        "msdyn_conversationactions",
        body,
    )
}

fn locale(prefix: &str, mode: Mode, button: &Button, lcid: u32) -> Record {
    let text = button.locales.get(&lcid.to_string());
    let name = [button.name.as_str(), "_", &lcid.to_string()].concat();
    let body = json!({
        "msdyn_name": name,
        "msdyn_label": text.map(|t| t.label.as_str()),
        "msdyn_tooltip": text.map(|t| t.tooltip.as_str()),
        "msdyn_locale_picklist": lcid,
        "msdyn_slashcommands": button.slash_command,
        "msdyn_conversationactionkey@odata.bind": bind("msdyn_conversationactions", prefix, &action_key(mode)),
    });
    let key = ["locale:", mode.as_str(), ":", &lcid.to_string()].concat();
    record(
        prefix,
        key,
        "msdyn_conversationactionlocale",
        "msdyn_conversationactionlocales",
        body,
    )
}

fn capability(prefix: &str, mode: Mode, button: &Button) -> Record {
    let body = json!({
        "msdyn_name": button.name,
        "msdyn_escalationchannelmode": channel_mode(mode),
        "msdyn_Provider@odata.bind": bind("msdyn_providers", prefix, "provider"),
        "msdyn_ConversationAction@odata.bind": bind("msdyn_conversationactions", prefix, &action_key(mode)),
    });
    let key = ["capability:", mode.as_str()].concat();
    record(
        prefix,
        key,
        "msdyn_channelcapability",
        "msdyn_channelcapabilities",
        body,
    )
}

fn action_key(mode: Mode) -> String {
    ["action:", mode.as_str()].concat()
}

fn bind(entity_set: &str, prefix: &str, key: &str) -> String {
    ["/", entity_set, "(", &ids::id(prefix, key).to_string(), ")"].concat()
}

fn record(prefix: &str, key: String, table: &str, entity_set: &str, body: Value) -> Record {
    let body = match body {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    Record {
        id: ids::id(prefix, &key),
        key,
        table: table.to_owned(),
        entity_set: entity_set.to_owned(),
        body,
    }
}

/// `records.json`: the record set pretty-printed, with a trailing newline.
pub fn records_json(records: &RecordSet) -> serde_json::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(records)?;
    bytes.push(b'\n');
    Ok(bytes)
}
