//! Page assets over HTTP (`crate::assets`): the customer's page says what it read
//! (`POST /api/sessions/{id}/assets`) and uploads what Duet lacks
//! (`PUT /api/sessions/{id}/assets/{sha256}`), both with its session token; the agent's mirror
//! loads each asset from `GET /page-assets/{id}/{key}?u=<address>`, the only place its images,
//! fonts, stylesheets and media may come from (the console's Content-Security-Policy).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::assets::{
    MAX_ASSET_BYTES, Sha256Hash, WAIT_FOR_CUSTOMER, css, kept_type, mirror_prefix, session_key,
};
use crate::engine::{SessionId, TenantId};
use crate::web::api::site::allowed_site;
use crate::web::error::{ApiQuery, Error, Result};
use crate::web::state::AppState;

/// Most addresses in one offer.
const MAX_OFFERED: usize = 256;
/// The longest address kept.
const MAX_ADDRESS_CHARS: usize = 2_048;

/// Routes of page assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/sessions/{id}/assets", post(offer).options(preflight))
        .route(
            "/api/sessions/{id}/assets/{sha256}",
            put(upload)
                .options(preflight)
                .layer(DefaultBodyLimit::max(MAX_ASSET_BYTES)),
        )
        .route("/page-assets/{id}/{key}", axum::routing::get(serve))
}

/// One asset the customer's page read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadAsset {
    url: String,
    sha256: String,
    #[serde(rename = "type")]
    content_type: String,
}

/// Body of `POST /api/sessions/{id}/assets`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferBody {
    #[serde(default)]
    read: Vec<ReadAsset>,
    #[serde(default)]
    unreadable: Vec<String>,
}

/// Answer of the offer: the hashes to upload.
#[derive(Debug, Serialize)]
struct OfferAnswer {
    missing: Vec<String>,
}

async fn offer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(HeaderMap, Json<OfferAnswer>)> {
    let cors = allowed_site(&state, &headers)?;
    let (id, tenant) = customer_session(&state, &id, &headers)?;
    let body: OfferBody = serde_json::from_slice(&body).map_err(|e| {
        Error::BadRequest(format!(
            "the body must be JSON like {{\"read\":[{{\"url\":…,\"sha256\":…,\"type\":…}}],\"unreadable\":[…]}}: {e}"
        ))
    })?;
    if body.read.len() + body.unreadable.len() > MAX_OFFERED {
        return Err(Error::BadRequest(format!(
            "at most {MAX_OFFERED} addresses per offer: send the rest in another"
        )));
    }
    let mut read = Vec::with_capacity(body.read.len());
    for asset in body.read {
        let hash = Sha256Hash::parse(&asset.sha256).ok_or_else(|| {
            Error::BadRequest(
                "sha256 must be 64 hex digits: the SHA-256 of the asset's bytes".into(),
            )
        })?;
        // An asset of another type is one the page could not share: Duet may fetch it itself.
        match (address(&asset.url), kept_type(&asset.content_type)) {
            (Some(url), Some(kind)) => read.push((url.into(), hash, kind)),
            (Some(url), None) => read.push((url.into(), hash, "")),
            (None, _) => {}
        }
    }
    let (read, other): (Vec<_>, Vec<_>) =
        read.into_iter().partition(|(_, _, kind)| !kind.is_empty());
    let unreadable = body
        .unreadable
        .iter()
        .filter_map(|text| address(text).map(String::from))
        .chain(other.into_iter().map(|(url, _, _)| url))
        .collect();
    let missing = state
        .service
        .page_assets
        .offer(&tenant, id, read, unreadable);
    let missing = missing.into_iter().map(Sha256Hash::to_hex).collect();
    Ok((cors, Json(OfferAnswer { missing })))
}

async fn upload(
    State(state): State<AppState>,
    Path((id, sha256)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, HeaderMap)> {
    let cors = allowed_site(&state, &headers)?;
    let (id, tenant) = customer_session(&state, &id, &headers)?;
    let hash = Sha256Hash::parse(&sha256).ok_or_else(|| {
        Error::BadRequest("the address must end in the asset's SHA-256, 64 hex digits".into())
    })?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    state
        .service
        .page_assets
        .upload(&tenant, id, hash, declared, body)
        .map_err(|refused| Error::BadRequest(refused.to_string()))?;
    Ok((StatusCode::NO_CONTENT, cors))
}

/// `?u=` of the mirror's request: the page's own address of the asset.
#[derive(Debug, Deserialize)]
struct AssetQuery {
    u: String,
}

async fn serve(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<AssetQuery>,
) -> Response {
    let Some((id, tenant, live)) = mirror_session(&state, &id, &key).await else {
        return not_found();
    };
    // Only a live session's customer may still say or send something.
    let wait = if live {
        WAIT_FOR_CUSTOMER
    } else {
        std::time::Duration::ZERO
    };
    let Some(url) = address(&query.u) else {
        return not_found();
    };
    let sites = sites_of(&state, &tenant);
    let assets = &state.service.page_assets;
    let Some(asset) = assets.resolve(&tenant, id, &url, &sites, wait).await else {
        return not_found();
    };
    let body = if asset.content_type == "text/css" {
        let prefix = mirror_prefix(state.service.token_key_bytes(), &tenant, id);
        let text = String::from_utf8_lossy(&asset.bytes);
        Bytes::from(css::rewrite_references(&text, &url, |reference| {
            through_duet(&prefix, reference)
        }))
    } else {
        asset.bytes
    };
    let mut headers = asset_headers();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    (headers, body).into_response()
}

/// Where the mirror asks for `reference`: Duet's own route, for web addresses only.
fn through_duet(prefix: &str, reference: &Url) -> Option<String> {
    matches!(reference.scheme(), "http" | "https").then(|| {
        let encoded: String =
            url::form_urlencoded::byte_serialize(reference.as_str().as_bytes()).collect();
        format!("{prefix}?u={encoded}")
    })
}

/// What every served asset carries: never sniffed, never run (an SVG or a stylesheet opened as
/// a page gets no script and loads nothing), never sent on with a Referer, never embedded by
/// another origin.
fn asset_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    headers
}

fn not_found() -> Response {
    let mut headers = asset_headers();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    (StatusCode::NOT_FOUND, headers).into_response()
}

/// A web address (http or https, at most `MAX_ADDRESS_CHARS`), without its fragment.
fn address(text: &str) -> Option<Url> {
    if text.len() > MAX_ADDRESS_CHARS {
        return None;
    }
    let mut url = Url::parse(text).ok()?;
    url.set_fragment(None);
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The session the customer's token is for, and its tenant.
fn customer_session(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<(SessionId, TenantId)> {
    let id: SessionId = id
        .parse()
        .map_err(|e: crate::engine::ids::BadSessionId| Error::BadRequest(e.to_string()))?;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| {
            Error::Unauthorized("page assets need the session's token as a Bearer token".into())
        })?;
    let claims = state
        .tokens
        .verify_session(token.trim(), id)
        .map_err(|e| Error::Unauthorized(e.to_string()))?;
    if claims.agent().is_some() || claims.supervisor().is_some() {
        return Err(Error::Forbidden(
            "only the customer's page sends its assets".into(),
        ));
    }
    let cell = state
        .service
        .sessions
        .get(id)
        .ok_or_else(|| Error::NotFound("this session has ended: start a new one".into()))?;
    Ok((id, cell.tenant().clone()))
}

/// The session of a mirror's asset request whose key is right, its tenant, and whether it is
/// live: one this node holds, else (a recording played later) one the store remembers.
async fn mirror_session(
    state: &AppState,
    id: &str,
    key: &str,
) -> Option<(SessionId, TenantId, bool)> {
    let id: SessionId = id.parse().ok()?;
    let secret = state.service.token_key_bytes();
    let keyed = |tenant: &TenantId| {
        constant_time_eq(session_key(secret, tenant, id).as_bytes(), key.as_bytes())
    };
    if let Some(cell) = state.service.sessions.get(id) {
        let tenant = cell.tenant().clone();
        return keyed(&tenant).then(|| (id, tenant, cell.is_live()));
    }
    let stored = state
        .service
        .store
        .subjects_with_id(crate::store::SubjectKind::Session, &id.to_string())
        .await
        .ok()?;
    stored
        .into_iter()
        .map(|row| TenantId::new(row.tenant))
        .find(|tenant| keyed(tenant))
        .map(|tenant| (id, tenant, false))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The origins Duet itself may fetch `tenant`'s public assets from: its registered websites, or
/// for the built-in tenant Duet's own origin and `DUET_ALLOWED_ORIGINS`.
fn sites_of(state: &AppState, tenant: &TenantId) -> Vec<String> {
    let registered = state
        .service
        .directory
        .all()
        .iter()
        .find(|registration| registration.tenant == *tenant)
        .map(|registration| registration.sites.clone());
    registered.unwrap_or_else(|| {
        let mut sites = state.settings.allowed_origins.clone();
        sites.push(state.settings.public_origin.clone());
        sites
    })
}

async fn preflight(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, HeaderMap)> {
    crate::web::api::site::preflight(&state, &headers, "POST, PUT")
}
