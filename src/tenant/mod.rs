//! What a tenant configures, kept in the store: its share-menu bookmarks and folders (the rules
//! are `engine::bookmarks`). A change and its `settings.changed` audit record are committed in
//! one transaction; readers always see the stored value.

mod checks;
pub mod command;
pub mod directory;
pub mod registry;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::engine::bookmarks::{BookmarkError, Bookmarks, Entry, EntryInput};
use crate::engine::{Actor, Change, Event, Subject, TenantId, Timestamp};
use crate::store::{Store, StoreError};

/// The name the bookmarks are stored under.
pub const BOOKMARKS: &str = "bookmarks";

/// Why a settings call failed; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The change breaks a rule.
    #[error(transparent)]
    Rule(#[from] BookmarkError),
    /// The stored value cannot be read.
    #[error("the tenant's stored {0} cannot be read; set them again, or restore Duet's database")]
    Unreadable(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The tenants' settings, read from and written to the store.
#[derive(Clone)]
pub struct TenantSettings {
    store: Arc<dyn Store>,
    /// Changes are read-modify-write: one at a time.
    writing: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for TenantSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantSettings { .. }")
    }
}

/// What a change did, for the audit.
enum Edit {
    Added(u32),
    Updated(u32),
    Removed(u32),
}

impl TenantSettings {
    /// Settings kept in `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            writing: Arc::default(),
        }
    }

    /// The tenant's bookmarks and folders.
    pub async fn bookmarks(&self, tenant: &TenantId) -> Result<Bookmarks, SettingsError> {
        match self.store.setting(tenant.as_str(), BOOKMARKS).await? {
            None => Ok(Bookmarks::default()),
            Some(value) => {
                serde_json::from_value(value).map_err(|_| SettingsError::Unreadable(BOOKMARKS))
            }
        }
    }

    /// Adds a bookmark or folder (bookmarks only to `sites`, when any are set).
    pub async fn add_bookmark(
        &self,
        (tenant, by): (&TenantId, &Actor),
        input: EntryInput,
        sites: &[String],
        now: Timestamp,
    ) -> Result<Entry, SettingsError> {
        self.change((tenant, by), now, |menu| {
            let entry = menu.add(input, sites)?;
            Ok((Edit::Added(entry.id), entry))
        })
        .await
    }

    /// Changes an entry.
    pub async fn update_bookmark(
        &self,
        (tenant, by): (&TenantId, &Actor),
        id: u32,
        input: EntryInput,
        sites: &[String],
        now: Timestamp,
    ) -> Result<Entry, SettingsError> {
        self.change((tenant, by), now, |menu| {
            Ok((Edit::Updated(id), menu.update(id, input, sites)?))
        })
        .await
    }

    /// Removes an entry (a folder must be empty).
    pub async fn remove_bookmark(
        &self,
        (tenant, by): (&TenantId, &Actor),
        id: u32,
        now: Timestamp,
    ) -> Result<(), SettingsError> {
        self.change((tenant, by), now, |menu| {
            Ok((Edit::Removed(id), menu.remove(id)?))
        })
        .await
    }

    /// Moves the bookmarks an earlier Duet kept in `<data dir>/bookmarks.json` into the store
    /// (when the store has none yet), then removes the file. Returns whether it moved them.
    pub async fn import_legacy_bookmarks(
        &self,
        tenant: &TenantId,
        data_dir: &std::path::Path,
        now: Timestamp,
    ) -> anyhow::Result<bool> {
        let file = crate::store::JsonFile::new(data_dir, crate::store::BOOKMARKS);
        if !data_dir.join(crate::store::BOOKMARKS).exists() {
            return Ok(false);
        }
        let legacy: Bookmarks = file.load()?;
        if self
            .store
            .setting(tenant.as_str(), BOOKMARKS)
            .await?
            .is_none()
        {
            let value = serde_json::to_value(&legacy).unwrap_or(Value::Null);
            let detail = json!({ "imported_from": crate::store::BOOKMARKS });
            let event = settings_event((tenant, &Actor::admin()), detail, now);
            let record = crate::journal::audit_record(&event);
            self.store
                .put_setting(tenant.as_str(), BOOKMARKS, &value, record)
                .await?;
        }
        file.remove()?;
        Ok(true)
    }

    async fn change<T>(
        &self,
        (tenant, by): (&TenantId, &Actor),
        now: Timestamp,
        f: impl FnOnce(&mut Bookmarks) -> Result<(Edit, T), BookmarkError>,
    ) -> Result<T, SettingsError> {
        let _one_at_a_time = self.writing.lock().await;
        let mut menu = self.bookmarks(tenant).await?;
        let (edit, outcome) = f(&mut menu)?;
        let value = serde_json::to_value(&menu).unwrap_or(Value::Null);
        let detail = match edit {
            Edit::Added(id) => json!({ "added": id }),
            Edit::Updated(id) => json!({ "updated": id }),
            Edit::Removed(id) => json!({ "removed": id }),
        };
        let event = settings_event((tenant, by), detail, now);
        let record = crate::journal::audit_record(&event);
        self.store
            .put_setting(tenant.as_str(), BOOKMARKS, &value, record)
            .await?;
        Ok(outcome)
    }
}

fn settings_event((tenant, by): (&TenantId, &Actor), detail: Value, now: Timestamp) -> Event {
    Event {
        at: now,
        tenant: tenant.clone(),
        subject: Subject::Tenant,
        actor: by.clone(),
        change: Change::SettingsChanged {
            setting: BOOKMARKS,
            detail,
        },
        after: None,
    }
}
