//! Which tenant a customer's website belongs to, and the CORS answer it gets: a registered
//! tenant's website is that tenant's (a `data-tenant` on the script tag picks one when a site is
//! several tenants'); Duet's own origin and `DUET_ALLOWED_ORIGINS` are the built-in tenant's;
//! callers without an `Origin` (not a browser) are the built-in tenant's; any other site is
//! refused.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::engine::TenantId;
use crate::web::error::{Error, Result};
use crate::web::state::AppState;

/// The CORS headers for a call from a customer's website that any tenant (or the built-in one)
/// allows; the session's token is what protects the call itself.
pub fn allowed_site(state: &AppState, headers: &HeaderMap) -> Result<HeaderMap> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(HeaderMap::new());
    };
    let text = origin.to_str().unwrap_or_default();
    let registered = !state.service.directory.by_site(text).is_empty();
    if !registered && !state.settings.origin_allowed(text) {
        return Err(not_a_site(text));
    }
    Ok(cors(origin))
}

/// The tenant a new session from this website belongs to, and the CORS headers; `asked` is the
/// script tag's `data-tenant`, which must be one of the tenants the site is registered for.
pub fn session_tenant(
    state: &AppState,
    headers: &HeaderMap,
    asked: Option<&str>,
) -> Result<(HeaderMap, TenantId)> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        if asked.is_some() {
            return Err(Error::Forbidden(
                "a tenant's session starts from its website in a browser: data-tenant needs the page's Origin".into(),
            ));
        }
        return Ok((HeaderMap::new(), TenantId::default()));
    };
    let text = origin.to_str().unwrap_or_default();
    let tenants = state.service.directory.by_site(text);
    let tenant = match (asked, tenants.as_slice()) {
        (Some(asked), _) => {
            tenants
                .iter()
                .find(|registration| registration.tenant.as_str() == asked)
                .ok_or_else(|| {
                    Error::Forbidden(format!(
                        "{text} is not a website of tenant {asked:?}: its administrator adds it with `duet tenant set {asked} --site {text}`, or fix data-tenant on the script tag"
                    ))
                })?
                .tenant
                .clone()
        }
        (None, [only]) => only.tenant.clone(),
        (None, []) if state.settings.origin_allowed(text) => TenantId::default(),
        (None, []) => return Err(not_a_site(text)),
        (None, several) => {
            let names: Vec<&str> = several.iter().map(|r| r.tenant.as_str()).collect();
            return Err(Error::BadRequest(format!(
                "{text} is a website of several tenants ({}): say which with data-tenant=\"…\" on the script tag",
                names.join(", ")
            )));
        }
    };
    Ok((cors(origin), tenant))
}

/// The answer to a CORS preflight from a customer's website for `methods` (e.g. `"POST, PUT"`),
/// which may send a JSON body and the session's token.
pub fn preflight(
    state: &AppState,
    headers: &HeaderMap,
    methods: &'static str,
) -> Result<(StatusCode, HeaderMap)> {
    let mut cors = allowed_site(state, headers)?;
    cors.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    cors.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, authorization"),
    );
    cors.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    Ok((StatusCode::NO_CONTENT, cors))
}

fn not_a_site(origin: &str) -> Error {
    Error::Forbidden(format!(
        "co-browse cannot be started from {origin}: register it as the tenant's site (duet tenant add --site, or duet tenant set --site) or add it to DUET_ALLOWED_ORIGINS"
    ))
}

fn cors(origin: &HeaderValue) -> HeaderMap {
    let mut cors = HeaderMap::new();
    cors.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    cors.insert(header::VARY, HeaderValue::from_static("Origin"));
    cors
}
