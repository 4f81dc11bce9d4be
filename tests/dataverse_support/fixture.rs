//! A small Duet solution built by hand: the records of reference 1.10 and a tiny zip, so tests
//! need not wait for `solution::artifacts`.

use std::io::Write;

use duet::solution::Artifacts;
use duet::solution::records::{Record, RecordSet};
use serde_json::{Value, json};
use uuid::Uuid;

/// The solution's unique name.
pub const SOLUTION: &str = "DuetCobrowse";
/// The solution's version.
pub const VERSION: &str = "1.0.0.0";
/// The publisher prefix.
pub const PREFIX: &str = "duet";
/// The environment variable holding Duet's service address.
pub const ORIGIN_VARIABLE: &str = "duet_Origin";
/// The app tab template the solution installs.
pub const APP_TAB: &str = "duet_cobrowsetab";
/// The web resources the solution installs.
pub const WEB_RESOURCES: [&str; 2] = ["duet_/cobrowse.html", "duet_/icon.svg"];

/// The deterministic id of a record key.
pub fn id(key: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("duet:{key}").as_bytes())
}

/// Provider, two actions, two locales, two capabilities, in provisioning order.
pub fn records() -> RecordSet {
    let (provider, cobrowse, share) = (
        id("provider"),
        id("action:cobrowse"),
        id("action:screenshare"),
    );
    let records = vec![
        record(
            "provider",
            "msdyn_provider",
            "msdyn_providers",
            json!({ "msdyn_name": "Duet" }),
        ),
        action("cobrowse", 0),
        action("screenshare", 1),
        locale("cobrowse", cobrowse),
        locale("screenshare", share),
        capability("cobrowse", 192_350_002, provider, cobrowse),
        capability("screenshare", 100_000_000, provider, share),
    ];
    RecordSet {
        solution_unique_name: SOLUTION.to_owned(),
        solution_version: VERSION.to_owned(),
        records,
    }
}

/// What the fake org installs when the fixture's solution is imported.
pub fn package() -> super::Package {
    super::Package {
        unique_name: SOLUTION.to_owned(),
        version: VERSION.to_owned(),
        web_resources: WEB_RESOURCES.map(str::to_owned).to_vec(),
        app_tab_templates: vec![APP_TAB.to_owned()],
        zip: Some(zip_bytes()),
        env_vars: vec![ORIGIN_VARIABLE.to_owned()],
    }
}

/// The id of the fixture's configuration page web resource.
pub const CONFIGURATION_PAGE: uuid::Uuid =
    uuid::Uuid::from_u128(0x0c0f_1600_0000_4000_8000_0000_0000_0c0f);

/// The artifacts for [`records`] and a one-file zip.
pub fn artifacts() -> Artifacts {
    Artifacts {
        unique_name: SOLUTION.to_owned(),
        version: VERSION.to_owned(),
        publisher_prefix: PREFIX.to_owned(),
        managed_zip: zip_bytes(),
        unmanaged_zip: Vec::new(),
        records: records(),
        configuration_page_name: format!("{PREFIX}_/config.html"),
        configuration_page_id: CONFIGURATION_PAGE,
        web_resource_names: WEB_RESOURCES.map(str::to_owned).to_vec(),
        app_tab_template_names: vec![APP_TAB.to_owned()],
        managed_zip_name: format!("{SOLUTION}_managed.zip"),
        unmanaged_zip_name: format!("{SOLUTION}_unmanaged.zip"),
        records_json: Vec::new(),
        data_zip: Vec::new(),
        unpacked: Default::default(),
    }
}

/// A real zip holding one `solution.xml`.
pub fn zip_bytes() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("solution.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"<ImportExportXml/>").unwrap();
    zip.finish().unwrap().into_inner()
}

fn record(key: &str, table: &str, entity_set: &str, body: Value) -> Record {
    Record {
        key: key.to_owned(),
        table: table.to_owned(),
        entity_set: entity_set.to_owned(),
        id: id(key),
        body: body.as_object().cloned().unwrap(),
    }
}

fn action(name: &str, order: i64) -> Record {
    let body = json!({
        "msdyn_name": format!("duet_{name}"), "msdyn_eventname": 100_000_000,
        "msdyn_eventparameter": APP_TAB, "msdyn_order": order,
        "msdyn_icon": "/WebResources/duet_/icon.svg",
    });
    record(
        &format!("action:{name}"),
        "msdyn_conversationaction",
        "msdyn_conversationactions",
        body,
    )
}

fn locale(name: &str, action: Uuid) -> Record {
    let body = json!({
        "msdyn_name": format!("duet_{name}_1033"), "msdyn_label": format!("Duet {name}"),
        "msdyn_tooltip": format!("Start a Duet {name} session"), "msdyn_locale_picklist": 1033,
        "msdyn_conversationactionkey@odata.bind": format!("/msdyn_conversationactions({action})"),
    });
    let key = format!("locale:{name}:1033");
    record(
        &key,
        "msdyn_conversationactionlocale",
        "msdyn_conversationactionlocales",
        body,
    )
}

fn capability(name: &str, mode: i64, provider: Uuid, action: Uuid) -> Record {
    let body = json!({
        "msdyn_name": format!("duet_{name}"), "msdyn_escalationchannelmode": mode,
        "msdyn_Provider@odata.bind": format!("/msdyn_providers({provider})"),
        "msdyn_ConversationAction@odata.bind": format!("/msdyn_conversationactions({action})"),
    });
    let key = format!("capability:{name}");
    record(
        &key,
        "msdyn_channelcapability",
        "msdyn_channelcapabilities",
        body,
    )
}
