//! The PostgreSQL half of the suite: finds a server (`DUET_TEST_POSTGRES_URL`, else the local
//! one at 127.0.0.1:5432 with trust auth), makes one database for this run of the test binary
//! and a schema per case, and drops the database when the last case is done. Without a server
//! it fails when `CI` or `DUET_TEST_POSTGRES_URL` is set, and otherwise skips, loudly.

use std::io::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor, PgConnection};

/// The server this machine runs, with trust auth, when no URL is given.
const LOCAL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Databases of earlier runs older than this were left behind (a filtered or killed run).
const STALE_AFTER_SECS: u64 = 3 * 60 * 60;

/// This run's database, made once; `None` when PostgreSQL is skipped, the reason when it must
/// be there and is not.
static RUN: OnceLock<Result<Option<Run>, String>> = OnceLock::new();
static EXPECTED: AtomicUsize = AtomicUsize::new(0);
static FINISHED: AtomicUsize = AtomicUsize::new(0);

struct Run {
    server_url: String,
    database: String,
    database_url: String,
}

/// Tells how many PostgreSQL cases the binary has, so the last one drops the database.
pub fn expect_cases(count: usize) {
    EXPECTED.store(count, Ordering::SeqCst);
}

/// Counts a finished case; the last one drops this run's database.
pub struct CaseGuard;

impl Drop for CaseGuard {
    fn drop(&mut self) {
        let finished = FINISHED.fetch_add(1, Ordering::SeqCst) + 1;
        if finished == EXPECTED.load(Ordering::SeqCst) {
            if let Some(Ok(Some(run))) = RUN.get() {
                let (server, database) = (run.server_url.clone(), run.database.clone());
                let _ =
                    std::thread::spawn(move || block_on(drop_database(&server, &database))).join();
            }
        }
    }
}

/// A URL whose connections use a new schema named after `case`, in this run's database.
pub async fn case(case: &str) -> Option<(String, CaseGuard)> {
    let guard = CaseGuard;
    let run = RUN.get_or_init(|| std::thread::spawn(|| block_on(prepare())).join().unwrap());
    let run = run
        .as_ref()
        .unwrap_or_else(|reason| panic!("{reason}"))
        .as_ref()?;
    let schema: String = format!("case_{case}").chars().take(63).collect();
    let mut connection = PgConnection::connect(&run.database_url).await.unwrap();
    connection
        .execute(format!("CREATE SCHEMA \"{schema}\"").as_str())
        .await
        .unwrap();
    let mut url = url::Url::parse(&run.database_url).unwrap();
    url.query_pairs_mut()
        .append_pair("options", &format!("-c search_path={schema}"));
    Some((url.to_string(), guard))
}

fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Finds the server and makes this run's database, or decides to skip.
async fn prepare() -> Result<Option<Run>, String> {
    let given = std::env::var("DUET_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let server_url = given.clone().unwrap_or_else(|| LOCAL.to_owned());
    let mut connection = match connect(&server_url).await {
        Ok(connection) => connection,
        Err(reason) => return skip_or_fail(&server_url, &reason, given.is_some()),
    };
    drop_stale_databases(&mut connection, &server_url).await;
    let database = format!(
        "duet_test_{}_{}_{:08x}",
        now_secs(),
        std::process::id(),
        rand::random::<u32>()
    );
    connection
        .execute(format!("CREATE DATABASE \"{database}\"").as_str())
        .await
        .map_err(|error| format!("cannot create the test database {database}: {error}"))?;
    let mut database_url = url::Url::parse(&server_url)
        .map_err(|error| format!("DUET_TEST_POSTGRES_URL is not a URL: {error}"))?;
    database_url.set_path(&database);
    Ok(Some(Run {
        server_url,
        database,
        database_url: database_url.to_string(),
    }))
}

async fn connect(url: &str) -> Result<PgConnection, String> {
    match tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(url)).await {
        Ok(Ok(connection)) => Ok(connection),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("no answer within 5 seconds".to_owned()),
    }
}

fn skip_or_fail(url: &str, reason: &str, url_given: bool) -> Result<Option<Run>, String> {
    let url = duet::store::redact(url);
    if url_given || std::env::var_os("CI").is_some() {
        return Err(format!(
            "PostgreSQL is not reachable at {url}: {reason}: start it (scripts/test.sh starts a \
             throwaway server) or set DUET_TEST_POSTGRES_URL to a server where this user may \
             create databases"
        ));
    }
    let line = "=".repeat(78);
    // Written to the process's stderr directly, so the test harness does not swallow it.
    let _ = writeln!(
        std::io::stderr(),
        "\n{line}\nSKIPPED: the PostgreSQL half of the store suite: no server at {url} \
         ({reason}).\nRun scripts/test.sh (it starts one) or set DUET_TEST_POSTGRES_URL.\n{line}"
    );
    Ok(None)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Drops the databases earlier runs left behind (a filtered or killed run does not drop its
/// own): at once when their test process is gone from this machine and the server is local,
/// otherwise once they are old enough to be abandoned.
async fn drop_stale_databases(connection: &mut PgConnection, server_url: &str) {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'duet\\_test\\_%'")
            .fetch_all(&mut *connection)
            .await
            .unwrap_or_default();
    let local = url::Url::parse(server_url)
        .is_ok_and(|url| matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")));
    for (name,) in names {
        let mut parts = name.split('_').skip(2);
        let made = parts.next().and_then(|secs| secs.parse::<u64>().ok());
        let pid = parts.next().and_then(|pid| pid.parse::<u32>().ok());
        let gone = pid.is_some_and(|pid| {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        });
        let old = made.is_some_and(|made| now_secs().saturating_sub(made) > STALE_AFTER_SECS);
        if old || (local && gone && cfg!(target_os = "linux")) {
            drop_database(server_url, &name).await;
        }
    }
}

async fn drop_database(server_url: &str, database: &str) {
    let Ok(mut connection) = connect(server_url).await else {
        return;
    };
    let forced = format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    if connection.execute(forced.as_str()).await.is_err() {
        let _ = connection
            .execute(format!("DROP DATABASE IF EXISTS \"{database}\"").as_str())
            .await;
    }
}
