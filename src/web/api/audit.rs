//! The audit trail over HTTP, for the tenant's administrator: `GET /api/tenant/audit` with
//! `?session=`, `?since=` (RFC 3339), `?format=json|jsonl|csv`, paged by `?after=<seq>` and
//! `?limit=`. The same records `duet audit export` prints.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::engine::{TenantId, Timestamp};
use crate::store::audit::{AuditWriter, ExportFormat};
use crate::store::{AuditQuery, AuditRecord};
use crate::web::auth::Admin;
use crate::web::error::{ApiJson, ApiQuery, Error, Result};
use crate::web::state::AppState;

/// Records per page unless `?limit=` asks for fewer or more.
pub const DEFAULT_PAGE: u32 = 500;
/// The most records one page holds.
pub const MAX_PAGE: u32 = 5000;

/// Routes of the audit API.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/tenant/audit", get(list_audit))
}

/// `?session=&since=&format=&after=&limit=`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    session: Option<String>,
    since: Option<String>,
    format: Option<String>,
    after: Option<i64>,
    limit: Option<u32>,
}

async fn list_audit(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Response> {
    let format = match params.format.as_deref() {
        None | Some("json") => None,
        Some(other) => Some(
            other
                .parse::<ExportFormat>()
                .map_err(|e| Error::BadRequest(format!("{e}, or json")))?,
        ),
    };
    let query = audit_query(&admin.tenant, &params)?;
    let records = state.service.store.audit(&query).await.map_err(|error| {
        tracing::error!(error = %error, "the audit trail could not be read");
        Error::Unavailable("Duet could not read its audit trail; try again, and if it keeps failing check Duet's database".into())
    })?;
    let next = (records.len() == query.limit as usize)
        .then(|| records.last().map(|last| next_page(&params, last.seq)))
        .flatten();
    match format {
        None => {
            Ok(ApiJson(serde_json::json!({ "records": records, "next": next })).into_response())
        }
        Some(format) => exported(format, &records, next.as_deref()),
    }
}

fn audit_query(tenant: &TenantId, params: &AuditParams) -> Result<AuditQuery> {
    let since = params
        .since
        .as_deref()
        .map(Timestamp::parse_rfc3339)
        .transpose()
        .map_err(|e| Error::BadRequest(format!("since: {e}")))?;
    Ok(AuditQuery {
        tenant: Some(tenant.as_str().to_owned()),
        session: params.session.clone().filter(|s| !s.trim().is_empty()),
        since: since.map(Timestamp::unix_millis),
        after_seq: params.after,
        limit: params.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE),
    })
}

/// The address of the page after `seq`, with the same filters.
fn next_page(params: &AuditParams, seq: i64) -> String {
    let mut url = url::Url::parse("http://duet/api/tenant/audit").expect("a fixed URL parses");
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in [
            ("session", params.session.as_deref()),
            ("since", params.since.as_deref()),
            ("format", params.format.as_deref()),
        ] {
            if let Some(value) = value {
                query.append_pair(key, value);
            }
        }
        query.append_pair("after", &seq.to_string());
        if let Some(limit) = params.limit {
            query.append_pair("limit", &limit.to_string());
        }
    }
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

fn exported(format: ExportFormat, records: &[AuditRecord], next: Option<&str>) -> Result<Response> {
    let mut writer = AuditWriter::new(format, Vec::new());
    for record in records {
        writer
            .write(record)
            .map_err(|e| Error::Internal(e.into()))?;
    }
    let body = writer.finish().map_err(|e| Error::Internal(e.into()))?;
    let mut headers = HeaderMap::new();
    let content_type = match format {
        ExportFormat::Jsonl => "application/x-ndjson",
        ExportFormat::Csv => "text/csv; charset=utf-8",
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(next) = next {
        let link = format!("<{next}>; rel=\"next\"");
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, value);
        }
    }
    Ok((headers, body).into_response())
}
