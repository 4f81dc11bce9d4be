//! JSON documents in the data directory, where an earlier Duet kept a tenant's bookmarks
//! (`bookmarks.json`): read once at start-up to move them into the store, then removed.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The tenant's bookmarks and folders.
pub const BOOKMARKS: &str = "bookmarks.json";

/// A JSON document at one path in the data directory.
#[derive(Debug, Clone)]
pub struct JsonFile {
    path: PathBuf,
}

impl JsonFile {
    /// The document `name` inside `dir`.
    pub fn new(dir: &Path, name: &str) -> Self {
        Self {
            path: dir.join(name),
        }
    }

    /// Reads the document, or the default when it does not exist yet.
    pub fn load<T: DeserializeOwned + Default>(&self) -> anyhow::Result<T> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "{} is not valid: fix it or move it away, and Duet starts from empty",
                    self.path.display()
                )
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
            Err(error) => Err(error).with_context(|| format!("reading {}", self.path.display())),
        }
    }

    /// Writes the document atomically, creating the directory when needed.
    pub fn save<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the data directory {}", dir.display()))?;
        let temporary = self.path.with_extension("tmp");
        let bytes = serde_json::to_vec_pretty(value).context("encoding tenant settings")?;
        std::fs::write(&temporary, bytes)
            .with_context(|| format!("writing {}", temporary.display()))?;
        std::fs::rename(&temporary, &self.path)
            .with_context(|| format!("replacing {}", self.path.display()))
    }

    /// Removes the document (what deprovisioning a tenant does); absent is fine.
    pub fn remove(&self) -> anyhow::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(error).with_context(|| format!("removing {}", self.path.display()))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_document_loads_back_and_a_missing_one_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = JsonFile::new(dir.path(), "tenant.json");
        assert_eq!(file.load::<Vec<String>>().unwrap(), Vec::<String>::new());
        file.save(&vec!["a".to_owned()]).unwrap();
        assert_eq!(file.load::<Vec<String>>().unwrap(), vec!["a".to_owned()]);
        file.remove().unwrap();
        assert_eq!(file.load::<Vec<String>>().unwrap(), Vec::<String>::new());
    }
}
