//! `records.json` and `data.zip` read back against reference §8 facts 1 and 2.

mod solution_support;

use serde_json::Value;
use solution_support::*;

#[test]
fn option_set_values_match_fact_1() {
    let temp = build();
    let records = records(temp.path());

    for action in bodies_of(&records, "msdyn_conversationaction") {
        assert_eq!(action["msdyn_eventname"], 100000000);
    }
    let modes: Vec<&Value> = bodies_of(&records, "msdyn_channelcapability")
        .iter()
        .map(|b| &b["msdyn_escalationchannelmode"])
        .collect();
    assert_eq!(modes, [&Value::from(192350002), &Value::from(100000000)]);
    let locales = bodies_of(&records, "msdyn_conversationactionlocale");
    assert!(
        locales
            .iter()
            .any(|l| l["msdyn_locale_picklist"] == 1033 && l["msdyn_name"] == "duet_cobrowse_1033")
    );
    for lcid in [1031, 1033, 1036, 1041, 3082] {
        assert_eq!(
            locales
                .iter()
                .filter(|l| l["msdyn_locale_picklist"] == lcid)
                .count(),
            2,
            "LCID {lcid}"
        );
    }
}

#[test]
fn records_come_parents_first_in_the_documented_order() {
    let temp = build();
    let tables: Vec<String> = records(temp.path())
        .iter()
        .map(|r| r["table"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut order = tables.clone();
    order.dedup();
    assert_eq!(
        order,
        [
            "msdyn_provider",
            "msdyn_conversationaction",
            "msdyn_conversationactionlocale",
            "msdyn_channelcapability"
        ]
    );
    assert_eq!(tables.len(), 1 + 2 + 10 + 2);
}

#[test]
fn lookup_bind_names_and_values_match_fact_2() {
    let temp = build();
    let records = records(temp.path());

    let provider = bind_of(&records, "provider");
    assert!(provider.starts_with("/msdyn_providers("));
    for locale in bodies_of(&records, "msdyn_conversationactionlocale") {
        let bind = locale["msdyn_conversationactionkey@odata.bind"]
            .as_str()
            .expect("locale bind");
        assert!(bind.starts_with("/msdyn_conversationactions("), "{bind}");
    }
    for (capability, mode) in bodies_of(&records, "msdyn_channelcapability")
        .iter()
        .zip(["cobrowse", "screenshare"])
    {
        assert_eq!(capability["msdyn_Provider@odata.bind"], provider.as_str());
        assert_eq!(
            capability["msdyn_ConversationAction@odata.bind"],
            bind_of(&records, &format!("action:{mode}")).as_str()
        );
    }
}

#[test]
fn data_zip_carries_the_same_records_as_cmt_data() {
    let temp = build();
    let entries = zip_entries(&temp.path().join("out/data.zip"));
    assert_eq!(
        entries.keys().collect::<Vec<_>>(),
        ["[Content_Types].xml", "data.xml", "data_schema.xml"]
    );
    let data = text(&entries, "data.xml");
    let records = records(temp.path());
    for record in &records {
        assert!(data.contains(&format!(
            "<record id=\"{}\">",
            record["id"].as_str().unwrap_or_default()
        )));
    }
    assert!(data.contains("name=\"msdyn_provider\" value="));
    assert!(data.contains("lookupentity=\"msdyn_conversationaction\""));
    let schema = text(&entries, "data_schema.xml");
    assert!(schema.contains("name=\"msdyn_escalationchannelmode\" type=\"optionsetvalue\""));
    assert!(schema.contains("name=\"msdyn_conversationactionkey\" type=\"entityreference\" lookupType=\"msdyn_conversationaction\""));
}
