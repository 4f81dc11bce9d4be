//! Reading sessions and shares for people rather than for resuming: one tenant's newest first,
//! limited and optionally narrowed by a text in the database (what a supervisor's list asks),
//! and one subject by id (whose it is).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::conn::{Conn, Param};
use super::subjects::{corrupt, decode_party, decode_subject};
use crate::store::error::StoreError;
use crate::store::rows::{PartyRow, SubjectKind, SubjectQuery, SubjectRow};

const SELECT: &str = "SELECT s.tenant, s.id, s.state, s.live, s.conversation, s.created_at, \
     s.last_activity_at, s.ended_at, s.doc FROM subjects s";

/// One tenant's live and recently ended ones (`subjects_by_start` walks them newest first).
const RECENT: &str = " WHERE s.tenant = $1 AND s.kind = $2 AND (s.live OR s.ended_at >= $3)";

/// Narrows `RECENT` to a text in the id, the conversation or a party's name. `lower()` folds
/// ASCII letters only, in both dialects: SQLite's does, and PostgreSQL's does on the "C"
/// collation those columns have (`migrations/postgres/0002_session_list.sql`).
const CONTAINING: &str = " AND (lower(s.id) LIKE $5 ESCAPE '\\' \
     OR lower(s.conversation) LIKE $5 ESCAPE '\\' \
     OR EXISTS (SELECT 1 FROM parties p WHERE p.tenant = s.tenant AND p.kind = s.kind \
     AND p.subject_id = s.id AND lower(p.name) LIKE $5 ESCAPE '\\'))";

const NEWEST_FIRST: &str = " ORDER BY s.created_at DESC, s.id DESC LIMIT $4";

/// Every tenant's subject with one id (`subjects_by_id`).
const WITH_ID: &str = " WHERE s.kind = $1 AND s.id = $2 ORDER BY s.tenant";

/// Ids bound to one parties statement at most (SQLite allows 32,766 parameters).
const IDS_PER_STATEMENT: usize = 500;

const SELECT_PARTIES: &str = "SELECT p.tenant, p.subject_id, p.role, p.id, p.name, p.joined_at \
     FROM parties p WHERE p.tenant = $1 AND p.kind = $2 AND p.subject_id IN (";

/// The tenant's subjects `query` asks for, newest first, with their parties.
pub(crate) async fn recent(
    conn: &mut dyn Conn,
    query: &SubjectQuery,
) -> Result<Vec<SubjectRow>, StoreError> {
    let pattern = like_pattern(&query.containing);
    let mut params: Vec<Param<'_>> = vec![
        query.tenant.as_str().into(),
        query.kind.as_str().into(),
        query.live_or_ended_since.into(),
        i64::from(query.limit).into(),
    ];
    let mut sql = format!("{SELECT}{RECENT}");
    if !query.containing.is_empty() {
        sql.push_str(CONTAINING);
        params.push(pattern.as_str().into());
    }
    sql.push_str(NEWEST_FIRST);
    let read = |error| StoreError::database("listing sessions", error);
    let rows = conn.fetch(&sql, &params).await.map_err(read)?;
    let mut subjects = rows
        .into_iter()
        .map(|cells| decode_subject(query.kind, cells).map_err(corrupt))
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<&str> = subjects.iter().map(|s| s.id.as_str()).collect();
    let mut parties = parties_of(conn, &query.tenant, query.kind, &ids).await?;
    for subject in &mut subjects {
        subject.parties = parties.remove(&subject.id).unwrap_or_default();
    }
    Ok(subjects)
}

/// The subject `id` of `kind` of every tenant that has one, with its parties.
pub(crate) async fn with_id(
    conn: &mut dyn Conn,
    kind: SubjectKind,
    id: &str,
) -> Result<Vec<SubjectRow>, StoreError> {
    let read = |error| StoreError::database("reading a session or share", error);
    let sql = format!("{SELECT}{WITH_ID}");
    let rows = conn
        .fetch(&sql, &[kind.as_str().into(), id.into()])
        .await
        .map_err(read)?;
    let mut subjects = Vec::with_capacity(rows.len());
    for cells in rows {
        let mut subject = decode_subject(kind, cells).map_err(corrupt)?;
        let mut parties = parties_of(conn, &subject.tenant, kind, &[id]).await?;
        subject.parties = parties.remove(id).unwrap_or_default();
        subjects.push(subject);
    }
    Ok(subjects)
}

/// The parties of the tenant's subjects `ids`, by subject id, each list in joining order.
async fn parties_of(
    conn: &mut dyn Conn,
    tenant: &str,
    kind: SubjectKind,
    ids: &[&str],
) -> Result<HashMap<String, Vec<PartyRow>>, StoreError> {
    let mut parties: HashMap<String, Vec<PartyRow>> = HashMap::new();
    for some in ids.chunks(IDS_PER_STATEMENT) {
        let mut sql = String::from(SELECT_PARTIES);
        let mut params: Vec<Param<'_>> = vec![tenant.into(), kind.as_str().into()];
        for id in some {
            let separator = if params.len() == 2 { "" } else { ", " };
            params.push((*id).into());
            let _ = write!(sql, "{separator}${}", params.len());
        }
        sql.push_str(") ORDER BY p.subject_id, p.position");
        let rows = conn
            .fetch(&sql, &params)
            .await
            .map_err(|error| StoreError::database("reading who joined", error))?;
        for cells in rows {
            let ((_, subject), party) = decode_party(cells).map_err(corrupt)?;
            parties.entry(subject).or_default().push(party);
        }
    }
    Ok(parties)
}

/// `%text%` for `LIKE … ESCAPE '\'`, the text's own `%`, `_` and `\` taken literally and its
/// ASCII letters lowered (the columns are compared lowered).
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c.to_ascii_lowercase());
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_like_pattern_takes_the_texts_wildcards_literally_and_lowers_only_ascii() {
        assert_eq!(like_pattern("Ann"), "%ann%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern("ÅSA"), "%Åsa%");
    }
}
