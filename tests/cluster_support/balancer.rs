//! A small TCP load balancer for the node-loss tests: each new connection goes to the preferred
//! backend, or to the next one that accepts when it does not (as a load balancer's health check
//! would steer it); bytes are copied both ways until either side closes, or the test cuts them.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};

/// A running balancer on a loopback port.
pub struct Balancer {
    /// Where clients connect.
    pub addr: SocketAddr,
    /// `http://<addr>`.
    pub base: String,
    preferred: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
    carried: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Balancer {
    /// Listens on 127.0.0.1:0 in front of `backends`, preferring the first.
    pub async fn start(backends: Vec<SocketAddr>) -> Balancer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let preferred = Arc::new(AtomicUsize::new(0));
        let choice = preferred.clone();
        let carried = Arc::new(Mutex::new(Vec::new()));
        let connections = carried.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let first = choice.load(Ordering::SeqCst);
                let backends = backends.clone();
                let connection = tokio::spawn(async move {
                    for offset in 0..backends.len() {
                        let backend = backends[(first + offset) % backends.len()];
                        if let Ok(server) = TcpStream::connect(backend).await {
                            return copy_both_ways(client, server).await;
                        }
                    }
                });
                connections.lock().unwrap().push(connection);
            }
        });
        Balancer {
            addr,
            base: format!("http://{addr}"),
            preferred,
            task,
            carried,
        }
    }

    /// Stops accepting and cuts every connection it carries (a network partition).
    pub fn cut(&self) {
        self.task.abort();
        for connection in self.carried.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    /// New connections go to backend `index` while it accepts.
    pub fn prefer(&self, index: usize) {
        self.preferred.store(index, Ordering::SeqCst);
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.cut();
    }
}

async fn copy_both_ways(mut client: TcpStream, mut server: TcpStream) {
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
