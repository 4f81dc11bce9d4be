//! Exporting the audit trail read from the store: JSON Lines with exactly the record's fields,
//! and CSV with RFC 4180 quoting.

use duet::store::audit::{AuditWriter, CSV_HEADER, ExportFormat, export};
use serde_json::{Value, json};

use crate::store_support::TestDb;
use crate::store_support::fixtures::{T0, audit_write};

pub async fn a_jsonl_export_has_exactly_the_record_fields(db: &TestDb) {
    let mut write = audit_write("contoso", "session.joined", T0, json!({"via": "console"}));
    write.audit.session = Some("s-1".to_owned());
    write.audit.actor.name = None;
    db.store.commit(&[vec![write]]).await.unwrap();

    let mut writer = AuditWriter::new(ExportFormat::Jsonl, Vec::new());
    assert_eq!(
        export(db.store.as_ref(), None, None, &mut writer)
            .await
            .unwrap(),
        1
    );
    let text = String::from_utf8(writer.finish().unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    let object: serde_json::Map<String, Value> = serde_json::from_str(lines[0]).unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut expected = [
        "seq", "at", "tenant", "session", "actor", "action", "detail", "prev", "hash",
    ];
    expected.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(
        object["actor"],
        json!({"role": "agent", "id": "agent-1", "name": null})
    );
    assert_eq!(object["at"], json!("2026-12-02T10:31:05.123Z"));
    assert_eq!(object["detail"], json!({"via": "console"}));
    assert_eq!(object["hash"].as_str().unwrap().len(), 64);
}

pub async fn a_csv_export_quotes_a_detail_with_commas_and_quotes(db: &TestDb) {
    let detail = json!({"note": "said \"hi\", then left"});
    db.store
        .commit(&[vec![audit_write("contoso", "note.added", T0, detail)]])
        .await
        .unwrap();
    let mut writer = AuditWriter::new(ExportFormat::Csv, Vec::new());
    export(db.store.as_ref(), Some("contoso"), None, &mut writer)
        .await
        .unwrap();
    let text = String::from_utf8(writer.finish().unwrap()).unwrap();
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(rows[0], CSV_HEADER);
    let expected = "1,2026-12-02T10:31:05.123Z,contoso,,agent,agent-1,Avery Agent,note.added,\
                    \"{\"\"note\"\":\"\"said \\\"\"hi\\\"\", then left\"\"}\",";
    assert!(rows[1].starts_with(expected), "{}", rows[1]);
    assert_eq!(
        rows.len(),
        3,
        "header, one record, and the final line break"
    );
}
