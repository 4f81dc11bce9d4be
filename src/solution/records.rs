//! The Dataverse records Duet upserts through the Web API (provider, conversation actions,
//! locales, channel capabilities): the shape of `records.json`, shared with `dataverse/`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything `duet provision` upserts, in the order it upserts them (deprovision goes in reverse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSet {
    /// The solution's unique name, e.g. `DuetCobrowse`.
    pub solution_unique_name: String,
    /// The solution's version, e.g. `1.0.0.0`.
    pub solution_version: String,
    /// The records, parents before children.
    pub records: Vec<Record>,
}

/// One Dataverse row with a deterministic id and the exact Web API body that upserts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable key inside Duet, e.g. `provider`, `action:cobrowse`, `locale:cobrowse:1033`.
    pub key: String,
    /// Table logical name, e.g. `msdyn_conversationaction`.
    pub table: String,
    /// Web API entity set name, e.g. `msdyn_conversationactions`.
    pub entity_set: String,
    /// Deterministic id: UUIDv5 of the publisher prefix and the key.
    pub id: Uuid,
    /// The JSON body of `PATCH /api/data/v9.2/<entity_set>(<id>)`.
    pub body: serde_json::Map<String, serde_json::Value>,
}

impl Record {
    /// The Web API path of this record, relative to `/api/data/v9.2/`.
    pub fn path(&self) -> String {
        format!("{}({})", self.entity_set, self.id)
    }
}
