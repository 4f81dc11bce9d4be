//! Exporting audit records: JSON Lines (one object per line with exactly the record's fields)
//! or CSV (RFC 4180, one row per record, the detail as its JSON text).

use std::io;
use std::str::FromStr;

use super::canonical::canonical_json;
use crate::store::rows::{AuditQuery, AuditRecord, Millis};
use crate::store::{Store, StoreError};

/// How many records [`export`] reads at a time.
const PAGE: u32 = 1000;

/// The CSV header: the record's fields, the actor's spread over three columns.
pub const CSV_HEADER: &str =
    "seq,at,tenant,session,actor_role,actor_id,actor_name,action,detail,prev,hash";

/// The formats audit records can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
}

/// A format name that is not one of [`ExportFormat`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no export format {0:?}: use jsonl or csv")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "jsonl" => Ok(Self::Jsonl),
            "csv" => Ok(Self::Csv),
            _ => Err(UnknownFormat(name.to_owned())),
        }
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output could not be written.
    #[error("cannot write the export: {0}: check the output's disk space and permissions")]
    Write(#[from] io::Error),
}

/// Writes audit records in one format; the CSV header comes before the first record.
pub struct AuditWriter<W: io::Write> {
    format: ExportFormat,
    out: W,
    started: bool,
}

impl<W: io::Write> AuditWriter<W> {
    /// A writer of `format` into `out`.
    pub fn new(format: ExportFormat, out: W) -> Self {
        Self {
            format,
            out,
            started: false,
        }
    }

    /// Writes one record.
    pub fn write(&mut self, record: &AuditRecord) -> io::Result<()> {
        self.start()?;
        match self.format {
            ExportFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")
            }
            ExportFormat::Csv => self.out.write_all(csv_row(record).as_bytes()),
        }
    }

    /// Writes what an empty export still has (the CSV header), flushes, and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started && self.format == ExportFormat::Csv {
            self.out.write_all(CSV_HEADER.as_bytes())?;
            self.out.write_all(b"\r\n")?;
        }
        self.started = true;
        Ok(())
    }
}

/// One CSV row (with its CRLF) for `record`.
pub fn csv_row(record: &AuditRecord) -> String {
    let fields = [
        record.seq.to_string(),
        record.at.clone(),
        record.tenant.clone(),
        record.session.clone().unwrap_or_default(),
        record.actor.role.clone(),
        record.actor.id.clone().unwrap_or_default(),
        record.actor.name.clone().unwrap_or_default(),
        record.action.clone(),
        canonical_json(&record.detail),
        record.prev.clone(),
        record.hash.clone(),
    ];
    let quoted: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
    format!("{}\r\n", quoted.join(","))
}

/// A CSV field, quoted (with inner quotes doubled) when it holds a comma, quote or line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Writes the records of `tenant` (every tenant when `None`) at or after `since`, in tenant then
/// seq order, reading them in pages; returns how many were written.
pub async fn export<W: io::Write>(
    store: &dyn Store,
    tenant: Option<&str>,
    since: Option<Millis>,
    writer: &mut AuditWriter<W>,
) -> Result<u64, ExportError> {
    let tenants = match tenant {
        Some(tenant) => vec![tenant.to_owned()],
        None => store.tenants().await?,
    };
    let mut written = 0;
    for tenant in tenants {
        let mut query = AuditQuery {
            tenant: Some(tenant),
            since,
            limit: PAGE,
            ..AuditQuery::default()
        };
        loop {
            let page = store.audit(&query).await?;
            for record in &page {
                writer.write(record)?;
                written += 1;
            }
            match page.last() {
                Some(last) if page.len() == PAGE as usize => query.after_seq = Some(last.seq),
                _ => break,
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rows::ActorRef;
    use serde_json::json;

    fn record() -> AuditRecord {
        AuditRecord {
            seq: 3,
            at: "2026-12-02T10:31:05.123Z".to_owned(),
            tenant: "contoso".to_owned(),
            session: None,
            actor: ActorRef {
                role: "agent".to_owned(),
                id: Some("a-1".to_owned()),
                name: Some("Lee, \"Sam\"".to_owned()),
            },
            action: "session.ended".to_owned(),
            detail: json!({"reason": "done, \"really\"", "n": 1}),
            prev: "0".repeat(64),
            hash: "f".repeat(64),
        }
    }

    #[test]
    fn format_names_parse_and_an_unknown_one_says_which_exist() {
        assert_eq!(
            "jsonl".parse::<ExportFormat>().unwrap(),
            ExportFormat::Jsonl
        );
        assert_eq!("CSV".parse::<ExportFormat>().unwrap(), ExportFormat::Csv);
        let error = "xml".parse::<ExportFormat>().unwrap_err().to_string();
        assert!(error.contains("jsonl or csv"), "{error}");
    }

    #[test]
    fn a_csv_row_quotes_fields_with_commas_and_doubles_quotes() {
        let row = csv_row(&record());
        let expected = format!(
            "3,2026-12-02T10:31:05.123Z,contoso,,agent,a-1,\"Lee, \"\"Sam\"\"\",session.ended,\
             \"{{\"\"n\"\":1,\"\"reason\"\":\"\"done, \\\"\"really\\\"\"\"\"}}\",{},{}\r\n",
            "0".repeat(64),
            "f".repeat(64)
        );
        assert_eq!(row, expected);
    }

    #[test]
    fn an_empty_csv_export_still_has_its_header() {
        let out = AuditWriter::new(ExportFormat::Csv, Vec::new())
            .finish()
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("{CSV_HEADER}\r\n"));
    }
}
