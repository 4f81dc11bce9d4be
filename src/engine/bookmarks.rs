//! The tenant's bookmarks and folders that agents open from the share menu: at most
//! [`MAX_ENTRIES`], bookmarks only to the sites the tenant allows agents to share.

use serde::{Deserialize, Serialize};

/// Most bookmarks and folders a tenant keeps, together.
pub const MAX_ENTRIES: usize = 20;
/// Longest name of a bookmark or folder.
pub const MAX_NAME_CHARS: usize = 100;

/// A bookmark or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A link agents can open and share.
    Bookmark,
    /// A folder holding bookmarks.
    Folder,
}

/// One entry of the share menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its id, stable while it exists.
    pub id: u32,
    /// Bookmark or folder.
    pub kind: EntryKind,
    /// What agents see.
    pub name: String,
    /// Where a bookmark goes (bookmarks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The folder it is in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<u32>,
}

/// What a caller sends to add or change an entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// Bookmark or folder.
    pub kind: EntryKind,
    /// What agents see.
    pub name: String,
    /// Where a bookmark goes.
    #[serde(default)]
    pub url: Option<String>,
    /// The folder to put it in.
    #[serde(default)]
    pub folder: Option<u32>,
}

/// Why a change was refused; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookmarkError {
    /// The 21st entry.
    #[error(
        "a tenant keeps up to {MAX_ENTRIES} bookmarks and folders; delete one before adding another"
    )]
    Full,
    /// No entry has that id.
    #[error("no bookmark or folder has id {0}; list them to see the ids")]
    NotFound(u32),
    /// The input breaks a rule.
    #[error("{0}")]
    Invalid(String),
}

/// The tenant's share menu.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmarks {
    entries: Vec<Entry>,
    next_id: u32,
}

impl Bookmarks {
    /// Every entry, in the order added.
    pub fn list(&self) -> &[Entry] {
        &self.entries
    }

    /// Adds an entry, refusing the 21st.
    pub fn add(
        &mut self,
        input: EntryInput,
        allowed_sites: &[String],
    ) -> Result<Entry, BookmarkError> {
        if self.entries.len() >= MAX_ENTRIES {
            return Err(BookmarkError::Full);
        }
        self.check(&input, None, allowed_sites)?;
        self.next_id += 1;
        let entry = Entry {
            id: self.next_id,
            kind: input.kind,
            name: input.name.trim().to_owned(),
            url: input.url,
            folder: input.folder,
        };
        self.entries.push(entry.clone());
        Ok(entry)
    }

    /// Replaces an entry's fields.
    pub fn update(
        &mut self,
        id: u32,
        input: EntryInput,
        allowed_sites: &[String],
    ) -> Result<Entry, BookmarkError> {
        self.check(&input, Some(id), allowed_sites)?;
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or(BookmarkError::NotFound(id))?;
        if entry.kind != input.kind {
            return Err(BookmarkError::Invalid("a bookmark cannot become a folder, nor a folder a bookmark; delete it and add a new one".into()));
        }
        entry.name = input.name.trim().to_owned();
        entry.url = input.url;
        entry.folder = input.folder;
        Ok(entry.clone())
    }

    /// Removes an entry; a folder must be empty first.
    pub fn remove(&mut self, id: u32) -> Result<(), BookmarkError> {
        if self.entries.iter().any(|e| e.folder == Some(id)) {
            return Err(BookmarkError::Invalid(
                "the folder is not empty; move or delete its bookmarks first".into(),
            ));
        }
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        if self.entries.len() == before {
            return Err(BookmarkError::NotFound(id));
        }
        Ok(())
    }

    fn check(
        &self,
        input: &EntryInput,
        editing: Option<u32>,
        allowed_sites: &[String],
    ) -> Result<(), BookmarkError> {
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(BookmarkError::Invalid(format!(
                "name must be 1 to {MAX_NAME_CHARS} characters"
            )));
        }
        if let Some(folder) = input.folder {
            let is_folder = self
                .entries
                .iter()
                .any(|e| e.id == folder && e.kind == EntryKind::Folder);
            if !is_folder || Some(folder) == editing {
                return Err(BookmarkError::Invalid(format!(
                    "folder {folder} is not a folder of this tenant; create the folder first"
                )));
            }
        }
        match (input.kind, input.url.as_deref()) {
            (EntryKind::Folder, None) => Ok(()),
            (EntryKind::Folder, Some(_)) => Err(BookmarkError::Invalid(
                "a folder has no url; remove it".into(),
            )),
            (EntryKind::Bookmark, None) => Err(BookmarkError::Invalid(
                "a bookmark needs a url, e.g. https://support.example.com/help".into(),
            )),
            (EntryKind::Bookmark, Some(url)) => check_url(url, allowed_sites),
        }
    }
}

/// A bookmark must be an http(s) URL within one of the allowed sites (when the tenant lists any).
fn check_url(url: &str, allowed_sites: &[String]) -> Result<(), BookmarkError> {
    let parsed = url::Url::parse(url).map_err(|_| {
        BookmarkError::Invalid(format!("{url:?} is not a URL; write it as https://…"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BookmarkError::Invalid(
            "bookmarks must be http or https links".into(),
        ));
    }
    if allowed_sites.is_empty() || allowed_sites.iter().any(|site| within(&parsed, site)) {
        return Ok(());
    }
    Err(BookmarkError::Invalid(format!(
        "{url} is not on a site agents may share; add its site to DUET_SHARE_SITES or pick another link"
    )))
}

fn within(url: &url::Url, site: &str) -> bool {
    let Ok(site) = url::Url::parse(site) else {
        return false;
    };
    url.origin() == site.origin() && url.path().starts_with(site.path().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bookmark(name: &str, url: &str) -> EntryInput {
        EntryInput {
            kind: EntryKind::Bookmark,
            name: name.into(),
            url: Some(url.into()),
            folder: None,
        }
    }

    #[test]
    fn the_twenty_first_entry_is_refused_with_a_message() {
        let mut menu = Bookmarks::default();
        for n in 0..MAX_ENTRIES {
            menu.add(bookmark(&format!("b{n}"), "https://help.example.com/"), &[])
                .unwrap();
        }
        let refused = menu
            .add(bookmark("one more", "https://help.example.com/"), &[])
            .unwrap_err();
        assert_eq!(refused, BookmarkError::Full);
        assert!(refused.to_string().contains("up to 20"));
    }

    #[test]
    fn bookmarks_must_stay_within_the_allowed_sites() {
        let mut menu = Bookmarks::default();
        let sites = vec!["https://help.example.com/docs".to_owned()];
        assert!(
            menu.add(
                bookmark("docs", "https://help.example.com/docs/start"),
                &sites
            )
            .is_ok()
        );
        let refused = menu
            .add(bookmark("elsewhere", "https://evil.example/docs"), &sites)
            .unwrap_err();
        assert!(refused.to_string().contains("DUET_SHARE_SITES"));
        assert!(
            menu.add(bookmark("script", "javascript:alert(1)"), &[])
                .is_err()
        );
    }

    #[test]
    fn folders_hold_bookmarks_and_must_be_empty_to_be_deleted() {
        let mut menu = Bookmarks::default();
        let folder = menu
            .add(
                EntryInput {
                    kind: EntryKind::Folder,
                    name: "Billing".into(),
                    url: None,
                    folder: None,
                },
                &[],
            )
            .unwrap();
        let mut inside = bookmark("Invoices", "https://help.example.com/invoices");
        inside.folder = Some(folder.id);
        let bookmark = menu.add(inside, &[]).unwrap();
        assert!(menu.remove(folder.id).is_err());
        menu.remove(bookmark.id).unwrap();
        menu.remove(folder.id).unwrap();
        assert!(menu.list().is_empty());
    }
}
