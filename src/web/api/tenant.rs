//! The tenant settings API: the bookmarks and folders agents open from the share menu.
//! Agents read them; changes need the administrator key (`DUET_ADMIN_KEY`). The settings
//! themselves are `crate::tenant`'s, kept in the store.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};

use crate::engine::bookmarks::{BookmarkError, Entry, EntryInput};
use crate::tenant::SettingsError;
use crate::web::auth::{Admin, Reader};
use crate::web::error::{ApiJson, Error, Result};
use crate::web::state::AppState;

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

async fn list_bookmarks(
    State(state): State<AppState>,
    reader: Reader,
) -> Result<ApiJson<Vec<Entry>>> {
    let menu = state
        .service
        .tenants
        .bookmarks(&reader.tenant())
        .await
        .map_err(settings_error)?;
    Ok(ApiJson(menu.list().to_vec()))
}

async fn create_bookmark(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<(StatusCode, ApiJson<Entry>)> {
    let sites = state.policy_for(&admin.tenant).share_sites;
    let entry = state
        .service
        .tenants
        .add_bookmark(
            (&admin.tenant, &admin.actor),
            input,
            &sites,
            state.service.clock.now(),
        )
        .await
        .map_err(settings_error)?;
    Ok((StatusCode::CREATED, ApiJson(entry)))
}

async fn update_bookmark(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<u32>,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<ApiJson<Entry>> {
    let sites = state.policy_for(&admin.tenant).share_sites;
    let entry = state
        .service
        .tenants
        .update_bookmark(
            (&admin.tenant, &admin.actor),
            id,
            input,
            &sites,
            state.service.clock.now(),
        )
        .await
        .map_err(settings_error)?;
    Ok(ApiJson(entry))
}

async fn delete_bookmark(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<u32>,
) -> Result<StatusCode> {
    state
        .service
        .tenants
        .remove_bookmark((&admin.tenant, &admin.actor), id, state.service.clock.now())
        .await
        .map_err(settings_error)?;
    Ok(StatusCode::NO_CONTENT)
}

fn settings_error(error: SettingsError) -> Error {
    match error {
        SettingsError::Rule(BookmarkError::Full) => Error::Conflict(error.to_string()),
        SettingsError::Rule(BookmarkError::NotFound(_)) => Error::NotFound(error.to_string()),
        SettingsError::Rule(BookmarkError::Invalid(_)) => Error::BadRequest(error.to_string()),
        SettingsError::Unreadable(_) => Error::Internal(error.into()),
        SettingsError::Store(store) => {
            tracing::error!(error = %store, "tenant settings could not be read or written");
            Error::Unavailable(
                "Duet could not read or write its settings store; try again, and if it keeps failing check Duet's database".into(),
            )
        }
    }
}
