//! Start-up faults: a database that cannot be opened stops `duet serve` with one line that names
//! the URL (password hidden) and says what to do.

use std::process::Command;

fn serve_with(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("DUET_DATABASE_URL")
        .env_remove("DUET_DATA_DIR")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unreachable_postgresql_stops_start_up_naming_the_url_without_its_password() {
    let (code, said) = serve_with(&[(
        "DUET_DATABASE_URL",
        "postgres://duet:s3cret@127.0.0.1:1/duet",
    )]);
    assert_eq!(code, Some(1));
    assert!(!said.contains("s3cret"), "{said}");
    assert!(
        said.contains("postgres://duet:***@127.0.0.1:1/duet"),
        "{said}"
    );
    assert!(said.contains("DUET_DATABASE_URL"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
}

#[test]
fn a_data_directory_that_cannot_be_made_stops_start_up_with_what_to_do() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().display().to_string();
    let (code, said) = serve_with(&[("DUET_DATA_DIR", &path)]);
    assert_eq!(code, Some(1));
    assert!(said.contains(&path) && said.contains("writable"), "{said}");
}

#[test]
fn a_url_of_another_database_is_refused_with_the_ones_duet_knows() {
    let (code, said) = serve_with(&[("DUET_DATABASE_URL", "mysql://root@localhost/duet")]);
    assert_eq!(code, Some(1));
    assert!(
        said.contains("sqlite://") && said.contains("postgres://"),
        "{said}"
    );
}

#[test]
fn the_default_store_is_a_sqlite_file_in_duet_data_made_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("DUET_DATABASE_URL")
        .env_remove("DUET_DATA_DIR")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.starts_with("Duet is listening"), "{line}");
    assert!(dir.path().join("duet-data").join("duet.db").exists());
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn an_unknown_log_format_stops_start_up_naming_the_formats_there_are() {
    let (code, said) = serve_with(&[("DUET_LOG_FORMAT", "yaml")]);
    assert_eq!(code, Some(1));
    assert!(said.contains("DUET_LOG_FORMAT"), "{said}");
    assert!(said.contains("text or json"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
}
