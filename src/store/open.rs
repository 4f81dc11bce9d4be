//! Opening the store a database URL names (`sqlite://…`, `sqlite::memory:`, `postgres://…`),
//! and saying in one line, with any password hidden, why a database cannot be used.

use std::sync::Arc;

use super::api::Store;
use super::error::one_line;
use super::postgres::PostgresStore;
use super::sqlite::SqliteStore;

/// Why the store could not be opened; every message names the URL with its password hidden.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The URL names no database Duet can use.
    #[error(
        "{url} is not a database URL Duet can use: set DUET_DATABASE_URL to \
         sqlite://path/to/duet.db or postgres://user:password@host:5432/database"
    )]
    UnknownScheme {
        /// The URL, password hidden.
        url: String,
    },
    /// The URL cannot be read.
    #[error(
        "the database URL {url} cannot be read: {reason}: fix DUET_DATABASE_URL, e.g. \
         sqlite://./duet-data/duet.db or postgres://user:password@host:5432/database"
    )]
    BadUrl {
        /// The URL, password hidden.
        url: String,
        /// Why, on one line.
        reason: String,
    },
    /// The SQLite database (or its directory) cannot be opened or created.
    #[error(
        "cannot open the database {url}: {reason}: check that the directory is writable, or set \
         DUET_DATABASE_URL"
    )]
    Sqlite {
        /// The URL, password hidden.
        url: String,
        /// Why, on one line.
        reason: String,
    },
    /// PostgreSQL does not answer.
    #[error(
        "cannot reach PostgreSQL at {url}: {reason}: start PostgreSQL or fix DUET_DATABASE_URL"
    )]
    Unreachable {
        /// The URL, password hidden.
        url: String,
        /// Why, on one line.
        reason: String,
    },
    /// PostgreSQL answers but refuses the user, password or database.
    #[error(
        "PostgreSQL at {url} refused Duet: {reason}: check the user, password and database name \
         in DUET_DATABASE_URL"
    )]
    Refused {
        /// The URL, password hidden.
        url: String,
        /// Why, on one line.
        reason: String,
    },
    /// The schema cannot be brought up to date.
    #[error(
        "cannot migrate the database {url}: {reason}: make sure it belongs to this version of \
         Duet (a newer one may have migrated it), or set DUET_DATABASE_URL to a new database"
    )]
    Migrate {
        /// The URL, password hidden.
        url: String,
        /// Why, on one line.
        reason: String,
    },
}

impl OpenError {
    /// Why SQLite could not open `url`.
    pub(crate) fn sqlite(url: &str, error: &sqlx::Error) -> Self {
        let (url, reason) = (redact(url), reason(url, error));
        match error {
            sqlx::Error::Configuration(_) => Self::BadUrl { url, reason },
            _ => Self::Sqlite { url, reason },
        }
    }

    /// Why PostgreSQL at `url` could not be used: not reachable, or refusing Duet.
    pub(crate) fn postgres(url: &str, error: &sqlx::Error) -> Self {
        let (url, reason) = (redact(url), reason(url, error));
        match error {
            sqlx::Error::Configuration(_) => Self::BadUrl { url, reason },
            sqlx::Error::Database(_) => Self::Refused { url, reason },
            _ => Self::Unreachable { url, reason },
        }
    }

    /// Why the migrations of `url` could not run.
    pub(crate) fn migrate(url: &str, error: &sqlx::migrate::MigrateError) -> Self {
        Self::Migrate {
            url: redact(url),
            reason: hide_password(url, &one_line(&error.to_string())),
        }
    }
}

/// The driver's reason on one line, with the URL's password hidden should it appear.
fn reason(url: &str, error: &sqlx::Error) -> String {
    hide_password(url, &one_line(&error.to_string()))
}

fn hide_password(url: &str, text: &str) -> String {
    match password(url) {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text.to_owned(),
    }
}

/// Opens the store `url` names and brings its schema up to date: `sqlite://path/to/duet.db`
/// (the directory and file are created when missing), `sqlite::memory:`, or
/// `postgres://…` / `postgresql://…`.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, OpenError> {
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Ok(Arc::new(SqliteStore::open(url).await?)),
        "postgres" | "postgresql" => Ok(Arc::new(PostgresStore::open(url).await?)),
        _ => Err(OpenError::UnknownScheme { url: redact(url) }),
    }
}

/// `url` with its password (in the user part or a `password=` parameter) replaced by `***`.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut redacted = match user_info_password_span(base) {
        Some((start, end)) => format!("{}***{}", &base[..start], &base[end..]),
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        redacted = format!("{redacted}?{}", pairs.join("&"));
    }
    redacted
}

/// Where the password of `scheme://user:password@host…` lies in `url`, by byte offsets.
fn user_info_password_span(url: &str) -> Option<(usize, usize)> {
    let authority_start = url.find("://")? + 3;
    let authority_length = url[authority_start..]
        .find(['/', '#'])
        .unwrap_or(url.len() - authority_start);
    let authority = &url[authority_start..authority_start + authority_length];
    let user_info = &authority[..authority.rfind('@')?];
    let colon = user_info.find(':')?;
    Some((
        authority_start + colon + 1,
        authority_start + user_info.len(),
    ))
}

/// The password in `url`, as written there.
fn password(url: &str) -> Option<&str> {
    let base = url.split('?').next().unwrap_or(url);
    if let Some((start, end)) = user_info_password_span(base) {
        return Some(&base[start..end]);
    }
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some((key, value)) if key.eq_ignore_ascii_case("password") => Some(value),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_hidden_wherever_the_url_holds_it() {
        assert_eq!(
            redact("postgres://duet:s3cret@db:5432/duet"),
            "postgres://duet:***@db:5432/duet"
        );
        assert_eq!(
            redact("postgresql://duet:p@ss:w@db/duet?sslmode=require"),
            "postgresql://duet:***@db/duet?sslmode=require"
        );
        assert_eq!(
            redact("postgres://db/duet?user=duet&password=s3cret"),
            "postgres://db/duet?user=duet&password=***"
        );
    }

    #[test]
    fn a_url_without_a_password_is_unchanged() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/postgres",
            "postgres://db/duet",
            "sqlite://./duet-data/duet.db",
            "sqlite::memory:",
            "not a url",
        ] {
            assert_eq!(redact(url), url);
        }
    }

    #[test]
    fn a_password_that_appears_in_a_reason_is_hidden_too() {
        let url = "postgres://duet:hunter2@db/duet";
        assert_eq!(hide_password(url, "bad hunter2 here"), "bad *** here");
    }

    #[tokio::test]
    async fn a_url_that_cannot_be_read_says_so_and_how_to_fix_it() {
        let Err(error) = open("postgres://duet:pw@db:notaport/duet").await else {
            panic!("a URL with a bad port opened");
        };
        let message = error.to_string();
        assert!(
            message.starts_with(
                "the database URL postgres://duet:***@db:notaport/duet cannot be read: "
            ),
            "{message}"
        );
        assert!(message.contains("fix DUET_DATABASE_URL"), "{message}");
    }

    #[tokio::test]
    async fn an_unknown_scheme_names_the_url_without_its_password_and_the_next_step() {
        let Err(error) = open("mysql://root:toor@db/duet").await else {
            panic!("a mysql URL opened");
        };
        let message = error.to_string();
        assert!(message.contains("mysql://root:***@db/duet"), "{message}");
        assert!(message.contains("DUET_DATABASE_URL"), "{message}");
        assert!(!message.contains("toor"), "{message}");
    }
}
