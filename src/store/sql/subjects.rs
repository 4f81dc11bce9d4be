//! Sessions and shares (`subjects`) and their parties (`parties`): storing a subject's new
//! state, reading the ones to resume, raising activity, and pruning the long-ended ones.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::conn::{Cell, Conn, Param, RowReader};
use crate::store::error::StoreError;
use crate::store::rows::{Activity, Millis, PartyRow, SubjectKind, SubjectRow};

macro_rules! insert_subject {
    () => {
        "INSERT INTO subjects (tenant, kind, id, state, live, conversation, created_at, \
         last_activity_at, ended_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    };
}

const INSERT_NEW: &str = concat!(
    insert_subject!(),
    "ON CONFLICT (tenant, kind, id) DO NOTHING"
);

/// Replaces the state; `created_at` stays as first stored and activity is never lowered.
const UPSERT: &str = concat!(
    insert_subject!(),
    "ON CONFLICT (tenant, kind, id) DO UPDATE SET state = excluded.state, live = excluded.live, \
     conversation = excluded.conversation, last_activity_at = CASE WHEN \
     excluded.last_activity_at > subjects.last_activity_at THEN excluded.last_activity_at ELSE \
     subjects.last_activity_at END, ended_at = excluded.ended_at, doc = excluded.doc"
);

const DELETE_PARTIES: &str =
    "DELETE FROM parties WHERE tenant = $1 AND kind = $2 AND subject_id = $3";

const SELECT_SUBJECTS: &str = "SELECT tenant, id, state, live, conversation, created_at, \
     last_activity_at, ended_at, doc FROM subjects \
     WHERE kind = $1 AND (live OR ended_at >= $2) ORDER BY tenant, id";

const SELECT_PARTIES: &str = "SELECT p.tenant, p.subject_id, p.role, p.id, p.name, p.joined_at \
     FROM parties p JOIN subjects s \
     ON s.tenant = p.tenant AND s.kind = p.kind AND s.id = p.subject_id \
     WHERE s.kind = $1 AND (s.live OR s.ended_at >= $2) \
     ORDER BY p.tenant, p.subject_id, p.position";

const TOUCH: &str = "UPDATE subjects SET last_activity_at = $4 \
     WHERE tenant = $1 AND kind = $2 AND id = $3 AND last_activity_at < $4";

const PRUNE_PARTIES: &str = "DELETE FROM parties WHERE EXISTS (SELECT 1 FROM subjects s \
     WHERE s.tenant = parties.tenant AND s.kind = parties.kind AND s.id = parties.subject_id \
     AND NOT s.live AND s.ended_at < $1)";

const PRUNE_SUBJECTS: &str = "DELETE FROM subjects WHERE NOT live AND ended_at < $1";

/// Stores the subject's new state and parties; returns false (storing nothing) when `creates`
/// and the subject already exists.
pub(crate) async fn store_subject(
    conn: &mut dyn Conn,
    subject: &SubjectRow,
    creates: bool,
) -> Result<bool, sqlx::Error> {
    let doc = subject.doc.to_string();
    let params = [
        subject.tenant.as_str().into(),
        subject.kind.as_str().into(),
        subject.id.as_str().into(),
        subject.state.as_str().into(),
        subject.live.into(),
        (&subject.conversation).into(),
        subject.created_at.into(),
        subject.last_activity_at.into(),
        subject.ended_at.into(),
        doc.as_str().into(),
    ];
    if creates {
        if conn.execute(INSERT_NEW, &params).await? == 0 {
            return Ok(false);
        }
    } else {
        conn.execute(UPSERT, &params).await?;
        conn.execute(DELETE_PARTIES, &params[..3]).await?;
    }
    insert_parties(conn, subject).await?;
    Ok(true)
}

/// Inserts the subject's parties in one statement, keeping their order.
async fn insert_parties(conn: &mut dyn Conn, subject: &SubjectRow) -> Result<(), sqlx::Error> {
    if subject.parties.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO parties (tenant, kind, subject_id, position, role, id, name, joined_at) VALUES ",
    );
    let mut params: Vec<Param<'_>> = Vec::with_capacity(subject.parties.len() * 8);
    for (position, party) in (0_i64..).zip(&subject.parties) {
        let base = params.len();
        let separator = if base == 0 { "" } else { ", " };
        let placeholders: Vec<String> = (1..=8).map(|n| format!("${}", base + n)).collect();
        let _ = write!(sql, "{separator}({})", placeholders.join(", "));
        let row: [Param<'_>; 8] = [
            subject.tenant.as_str().into(),
            subject.kind.as_str().into(),
            subject.id.as_str().into(),
            position.into(),
            party.role.as_str().into(),
            party.id.as_str().into(),
            (&party.name).into(),
            party.joined_at.into(),
        ];
        params.extend(row);
    }
    conn.execute(&sql, &params).await?;
    Ok(())
}

/// Every live subject of `kind`, and the ended ones whose `ended_at >= since`, with parties.
pub(crate) async fn subjects(
    conn: &mut dyn Conn,
    kind: SubjectKind,
    since: Millis,
) -> Result<Vec<SubjectRow>, StoreError> {
    let params = [kind.as_str().into(), since.into()];
    let read = |error| StoreError::database("reading sessions and shares", error);
    let rows = conn.fetch(SELECT_SUBJECTS, &params).await.map_err(read)?;
    let party_rows = conn.fetch(SELECT_PARTIES, &params).await.map_err(read)?;
    let mut parties: HashMap<(String, String), Vec<PartyRow>> = HashMap::new();
    for cells in party_rows {
        let (key, party) = decode_party(cells).map_err(corrupt)?;
        parties.entry(key).or_default().push(party);
    }
    rows.into_iter()
        .map(|cells| {
            let mut subject = decode_subject(kind, cells).map_err(corrupt)?;
            let key = (subject.tenant.clone(), subject.id.clone());
            subject.parties = parties.remove(&key).unwrap_or_default();
            Ok(subject)
        })
        .collect()
}

pub(super) fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt { what }
}

pub(super) fn decode_subject(kind: SubjectKind, cells: Vec<Cell>) -> Result<SubjectRow, String> {
    let mut row = RowReader::new("subjects", cells);
    Ok(SubjectRow {
        tenant: row.text(0, "tenant")?,
        kind,
        id: row.text(1, "id")?,
        state: row.text(2, "state")?,
        live: row.boolean(3, "live")?,
        conversation: row.opt_text(4, "conversation")?,
        created_at: row.int(5, "created_at")?,
        last_activity_at: row.int(6, "last_activity_at")?,
        ended_at: row.opt_int(7, "ended_at")?,
        parties: Vec::new(),
        doc: row.json(8, "doc")?,
        claims: Vec::new(),
    })
}

pub(super) fn decode_party(cells: Vec<Cell>) -> Result<((String, String), PartyRow), String> {
    let mut row = RowReader::new("parties", cells);
    let key = (row.text(0, "tenant")?, row.text(1, "subject_id")?);
    let party = PartyRow {
        role: row.text(2, "role")?,
        id: row.text(3, "id")?,
        name: row.opt_text(4, "name")?,
        joined_at: row.int(5, "joined_at")?,
    };
    Ok((key, party))
}

/// Raises each subject's `last_activity_at` to the activity's moment when that is later.
pub(crate) async fn touch(conn: &mut dyn Conn, activity: &[Activity]) -> Result<(), StoreError> {
    let mut sorted: Vec<&Activity> = activity.iter().collect();
    sorted.sort_by(|a, b| (&a.tenant, a.kind, &a.id).cmp(&(&b.tenant, b.kind, &b.id)));
    for seen in sorted {
        let params = [
            seen.tenant.as_str().into(),
            seen.kind.as_str().into(),
            seen.id.as_str().into(),
            seen.at.into(),
        ];
        conn.execute(TOUCH, &params)
            .await
            .map_err(|error| StoreError::database("recording activity", error))?;
    }
    Ok(())
}

/// Deletes the subjects (and parties) that ended before `ended_before`; returns how many.
pub(crate) async fn prune(conn: &mut dyn Conn, ended_before: Millis) -> Result<u64, StoreError> {
    let prune = |error| StoreError::database("pruning ended sessions and shares", error);
    let params = [ended_before.into()];
    conn.execute(PRUNE_PARTIES, &params).await.map_err(prune)?;
    conn.execute(PRUNE_SUBJECTS, &params).await.map_err(prune)
}
