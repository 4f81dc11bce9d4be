//! Reading audit records (`audit_records`) by tenant, session, time and seq, each row decoded
//! into a record or into the reason it cannot be read.

use super::conn::{Cell, Conn, Param, RowReader};
use crate::store::clock::rfc3339;
use crate::store::error::StoreError;
use crate::store::rows::{ActorRef, AuditQuery, AuditRecord, AuditRow, MalformedRecord};

const SELECT_RECORDS: &str = "SELECT tenant, seq, at, session, actor_role, actor_id, actor_name, \
     action, detail, prev, hash FROM audit_records";

/// The records matching `query`, ordered by tenant then seq.
pub(crate) async fn audit_page(
    conn: &mut dyn Conn,
    query: &AuditQuery,
) -> Result<Vec<AuditRow>, StoreError> {
    if query.after_seq.is_some() && query.tenant.is_none() {
        return Err(StoreError::Refused(
            "paging the audit trail by seq needs a tenant: pass the tenant with after_seq"
                .to_owned(),
        ));
    }
    let since = query.since.map(rfc3339);
    let (sql, params) = select_for(query, since.as_deref());
    let rows = conn
        .fetch(&sql, &params)
        .await
        .map_err(|error| StoreError::database("reading the audit trail", error))?;
    let tenant = query.tenant.as_deref().unwrap_or("?");
    Ok(rows
        .into_iter()
        .map(|cells| decode_record(tenant, cells))
        .collect())
}

/// The SELECT for `query` with only the filters it sets (so each can use its index), and its
/// parameters; `since` is the query's moment as stored text.
fn select_for<'a>(query: &'a AuditQuery, since: Option<&'a str>) -> (String, Vec<Param<'a>>) {
    let filters: [(&str, Option<Param<'a>>); 4] = [
        ("tenant = ", query.tenant.as_ref().map(Param::from)),
        ("session = ", query.session.as_ref().map(Param::from)),
        ("at >= ", since.map(Param::from)),
        ("seq > ", query.after_seq.map(Param::from)),
    ];
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<Param<'a>> = Vec::new();
    for (condition, param) in filters {
        if let Some(param) = param {
            params.push(param);
            conditions.push(format!("{condition}${}", params.len()));
        }
    }
    let mut sql = SELECT_RECORDS.to_owned();
    if !conditions.is_empty() {
        sql = format!("{sql} WHERE {}", conditions.join(" AND "));
    }
    params.push(i64::from(query.limit).into());
    let sql = format!("{sql} ORDER BY tenant, seq LIMIT ${}", params.len());
    (sql, params)
}

/// One row as a record, or as the reason it cannot be read.
fn decode_record(queried_tenant: &str, cells: Vec<Cell>) -> AuditRow {
    let mut row = RowReader::new("audit_records", cells);
    let tenant = row.text(0, "tenant");
    let seq = row.int(1, "seq");
    let fields = match (&tenant, &seq) {
        (Ok(tenant), Ok(seq)) => decode_fields(&mut row, tenant.clone(), *seq),
        (Err(problem), _) | (_, Err(problem)) => Err(problem.clone()),
    };
    fields.map_err(|problem| MalformedRecord {
        tenant: tenant.unwrap_or_else(|_| queried_tenant.to_owned()),
        seq: seq.ok(),
        problem,
    })
}

fn decode_fields(row: &mut RowReader, tenant: String, seq: i64) -> Result<AuditRecord, String> {
    Ok(AuditRecord {
        seq,
        at: row.text(2, "at")?,
        tenant,
        session: row.opt_text(3, "session")?,
        actor: ActorRef {
            role: row.text(4, "actor_role")?,
            id: row.opt_text(5, "actor_id")?,
            name: row.opt_text(6, "actor_name")?,
        },
        action: row.text(7, "action")?,
        detail: row.json(8, "detail")?,
        prev: row.text(9, "prev")?,
        hash: row.text(10, "hash")?,
    })
}
