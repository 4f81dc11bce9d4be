//! Opening the store from a database URL: SQLite creates its directory and file and keeps what
//! was committed across a reopen; a database that cannot be used says so in one line that names
//! the URL without its password and what to do next.

use duet::store::{SubjectKind, open};
use sqlx::Connection;

mod store_support;

use store_support::fixtures::{T0, session, subject_write};

#[tokio::test]
async fn a_sqlite_url_creates_its_directory_and_keeps_commits_across_a_reopen() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("not-yet").join("duet.db");
    let url = format!("sqlite://{}", path.display());
    let store = open(&url).await.unwrap();
    let created = session("contoso", "s-1", T0);
    store
        .commit(&[vec![subject_write(&created, "session.created", true)]])
        .await
        .unwrap();
    drop(store);
    assert!(path.exists());

    let reopened = open(&url).await.unwrap();
    let rows = reopened.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(rows, vec![created]);
    assert_eq!(reopened.dialect(), "sqlite");
}

#[tokio::test]
async fn a_sqlite_database_is_in_wal_mode() {
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("duet.db").display());
    let _store = open(&url).await.unwrap();
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn an_in_memory_sqlite_store_works() {
    let store = open("sqlite::memory:").await.unwrap();
    let created = session("contoso", "s-1", T0);
    let write = subject_write(&created, "session.created", true);
    store.commit(&[vec![write]]).await.unwrap();
    assert_eq!(
        store.subjects(SubjectKind::Session, 0).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn an_unwritable_sqlite_directory_says_what_to_do_in_one_line() {
    let directory = tempfile::tempdir().unwrap();
    let blocker = directory.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let url = format!("sqlite://{}", blocker.join("duet.db").display());
    let Err(error) = open(&url).await else {
        panic!("a database under a file opened");
    };
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot open the database {url}: ")),
        "{message}"
    );
    assert!(message.ends_with("check that the directory is writable, or set DUET_DATABASE_URL"));
    assert!(!message.contains('\n'), "{message}");
}

#[tokio::test]
async fn an_unreachable_postgres_names_the_url_without_its_password() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let url = "postgres://duet:s3cret-pw@127.0.0.1:1/duet";
    let Err(error) = open(url).await else {
        panic!("a closed port opened");
    };
    let message = error.to_string();
    assert!(
        message.starts_with("cannot reach PostgreSQL at postgres://duet:***@127.0.0.1:1/duet: "),
        "{message}"
    );
    assert!(
        message.ends_with("start PostgreSQL or fix DUET_DATABASE_URL"),
        "{message}"
    );
    assert!(
        !message.contains("s3cret-pw") && !message.contains('\n'),
        "{message}"
    );
}
