//! `GET /healthz` says the process answers; `GET /readyz` also asks the store: 200 while it
//! answers, 503 naming it once it does not (PostgreSQL behind a loopback proxy that is cut).

#[path = "store_support/postgres.rs"]
#[allow(dead_code)]
mod postgres;
mod support;

use std::sync::{Arc, Mutex};

use duet::config::Config;
use serde_json::Value;
use support::{App, spawn, spawn_with};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

async fn readyz(app: &App) -> (u16, Value) {
    let (status, body) = app.get("/readyz", None).await;
    (status, serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn a_node_whose_store_answers_is_healthy_and_ready() {
    let app = spawn().await;
    assert_eq!(app.get("/healthz", None).await, (200, "ok".to_owned()));
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ready"], true);
    assert_eq!(body["unreachable"], serde_json::json!({}));
}

/// A TCP proxy on loopback to `target`; `cut` stops it and every connection through it.
struct Proxy {
    port: u16,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn to(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let tasks: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let spawned = tasks.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                let piped = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                spawned.lock().unwrap().push(piped);
            }
        });
        tasks.lock().unwrap().push(accepting);
        Self { port, tasks }
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

#[tokio::test]
async fn a_node_whose_store_stops_answering_is_alive_but_not_ready_and_says_why() {
    postgres::expect_cases(1);
    let Some((url, _guard)) = postgres::case("readyz_cut").await else {
        return;
    };
    let mut through = url::Url::parse(&url).unwrap();
    let target = format!(
        "{}:{}",
        through.host_str().unwrap(),
        through.port().unwrap_or(5432)
    );
    let proxy = Proxy::to(target).await;
    through.set_port(Some(proxy.port)).unwrap();
    let app = spawn_with(Config {
        database_url: Some(through.to_string()),
        ..Config::default()
    })
    .await;
    assert_eq!(readyz(&app).await.0, 200);

    proxy.cut();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["ready"], false);
    let why = body["unreachable"]["store"].as_str().unwrap();
    assert!(why.contains("database"), "{why}");
    assert!(
        !why.contains(&url),
        "the URL stays out of the answer: {why}"
    );
    assert_eq!(app.get("/healthz", None).await.0, 200, "still alive");
}
