//! The tenant settings API: the bookmarks and folders agents open from the share menu.
//! Agents read them; changes need the administrator key (`DUET_ADMIN_KEY`).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, put};
use secrecy::{ExposeSecret, SecretString};

use crate::engine::bookmarks::{BookmarkError, Bookmarks, Entry, EntryInput};
use crate::store::JsonFile;
use crate::web::auth::bearer;
use crate::web::error::{ApiJson, Error, Result};
use crate::web::state::AppState;
use crate::web::tokens::TokenRole;

/// The tenant's settings held by the service, saved to the data directory when there is one.
#[derive(Debug)]
pub struct TenantSettings {
    bookmarks: Mutex<Bookmarks>,
    file: Option<JsonFile>,
    admin_key: Option<SecretString>,
}

impl TenantSettings {
    /// Loads saved bookmarks from `data_dir` when set.
    pub fn load(
        data_dir: Option<&std::path::Path>,
        admin_key: Option<SecretString>,
    ) -> anyhow::Result<Self> {
        let file = data_dir.map(|dir| JsonFile::new(dir, crate::store::BOOKMARKS));
        let bookmarks = match &file {
            Some(file) => file.load()?,
            None => Bookmarks::default(),
        };
        Ok(Self {
            bookmarks: Mutex::new(bookmarks),
            file,
            admin_key,
        })
    }

    fn bookmarks(&self) -> std::sync::MutexGuard<'_, Bookmarks> {
        self.bookmarks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Routes of the tenant settings API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/tenant/bookmarks",
            get(list_bookmarks).post(create_bookmark),
        )
        .route(
            "/api/tenant/bookmarks/{id}",
            put(update_bookmark).delete(delete_bookmark),
        )
}

/// A request from an agent or the administrator.
pub struct Reader;

impl axum::extract::FromRequestParts<AppState> for Reader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or_else(|| Error::Unauthorized("sign in first".into()))?;
        if is_admin(&state.tenant, token)
            || state.tokens.verify_role(token, TokenRole::Agent).is_ok()
        {
            return Ok(Reader);
        }
        Err(Error::Unauthorized(
            "sign in as an agent, or use the administrator key".into(),
        ))
    }
}

/// A request from the administrator.
pub struct Admin;

impl axum::extract::FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        if state.tenant.admin_key.is_none() {
            return Err(Error::Forbidden(
                "tenant settings cannot be changed until DUET_ADMIN_KEY is set".into(),
            ));
        }
        match bearer(parts) {
            Some(token) if is_admin(&state.tenant, token) => Ok(Admin),
            _ => Err(Error::Unauthorized(
                "changing tenant settings needs the administrator key as a Bearer token".into(),
            )),
        }
    }
}

fn is_admin(tenant: &TenantSettings, token: &str) -> bool {
    tenant
        .admin_key
        .as_ref()
        .is_some_and(|key| constant_time_eq(key.expose_secret().as_bytes(), token.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn list_bookmarks(State(state): State<AppState>, _reader: Reader) -> ApiJson<Vec<Entry>> {
    ApiJson(state.tenant.bookmarks().list().to_vec())
}

async fn create_bookmark(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<(StatusCode, ApiJson<Entry>)> {
    let sites = state.settings.policy.share_sites.clone();
    let entry = change(&state.tenant, |menu| menu.add(input, &sites)).await?;
    Ok((StatusCode::CREATED, ApiJson(entry)))
}

async fn update_bookmark(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<u32>,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<ApiJson<Entry>> {
    let sites = state.settings.policy.share_sites.clone();
    change(&state.tenant, |menu| menu.update(id, input, &sites))
        .await
        .map(ApiJson)
}

async fn delete_bookmark(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<u32>,
) -> Result<StatusCode> {
    change(&state.tenant, |menu| menu.remove(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Applies a change under the lock, then saves a copy off the async threads.
async fn change<T>(
    tenant: &Arc<TenantSettings>,
    f: impl FnOnce(&mut Bookmarks) -> Result<T, BookmarkError>,
) -> Result<T> {
    let (outcome, snapshot) = {
        let mut menu = tenant.bookmarks();
        let outcome = f(&mut menu).map_err(bookmark_error)?;
        (outcome, menu.clone())
    };
    if let Some(file) = tenant.file.clone() {
        tokio::task::spawn_blocking(move || file.save(&snapshot))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(Error::Internal)?;
    }
    Ok(outcome)
}

fn bookmark_error(error: BookmarkError) -> Error {
    match error {
        BookmarkError::Full => Error::Conflict(error.to_string()),
        BookmarkError::NotFound(_) => Error::NotFound(error.to_string()),
        BookmarkError::Invalid(_) => Error::BadRequest(error.to_string()),
    }
}
