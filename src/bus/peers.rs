//! Whether the other nodes are still on the bus: a node asks a peer's `alive` subject twice a
//! second while something of it is linked here; no responder (NATS knows at once when a node's
//! connection is gone) or three unanswered asks in a row mean it is gone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::Client;
use tokio::sync::watch;

/// How often a peer in use is asked whether it is alive.
pub const ASK_EVERY: Duration = Duration::from_millis(500);
/// Unanswered asks in a row after which a peer is taken for gone.
const MISSES: u32 = 3;

/// The peers watched now, each with a flag that turns true when it is gone.
#[derive(Debug)]
pub(super) struct Peers {
    client: Client,
    watched: Arc<Mutex<HashMap<String, watch::Sender<bool>>>>,
}

impl Peers {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            watched: Arc::default(),
        }
    }

    /// Resolves once `node` is gone.
    pub(super) async fn gone(&self, node: &str) {
        let mut flag = self.watch(node);
        let _ = flag.wait_for(|gone| *gone).await;
    }

    fn watch(&self, node: &str) -> watch::Receiver<bool> {
        let mut watched = self
            .watched
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(flag) = watched.get(node)
            && !*flag.borrow()
        {
            return flag.subscribe();
        }
        let (flag, receiver) = watch::channel(false);
        watched.insert(node.to_owned(), flag.clone());
        let (client, node, all) = (self.client.clone(), node.to_owned(), self.watched.clone());
        tokio::spawn(async move {
            ask_until_gone(&client, &node, &flag).await;
            let mut watched = all.lock().unwrap_or_else(|poison| poison.into_inner());
            if watched
                .get(&node)
                .is_some_and(|kept| kept.same_channel(&flag))
            {
                watched.remove(&node);
            }
        });
        receiver
    }
}

/// Asks until the peer is gone (the flag is raised) or nobody watches it any more.
async fn ask_until_gone(client: &Client, node: &str, flag: &watch::Sender<bool>) {
    let subject = super::alive_subject(node);
    let mut misses = 0;
    let mut tick = tokio::time::interval(ASK_EVERY);
    loop {
        tick.tick().await;
        if flag.receiver_count() == 0 {
            return;
        }
        let asked = client.request(subject.clone(), bytes::Bytes::new());
        match tokio::time::timeout(ASK_EVERY * 2, asked).await {
            Ok(Ok(_)) => misses = 0,
            Ok(Err(error)) if error.kind() == async_nats::RequestErrorKind::NoResponders => {
                misses = MISSES;
            }
            Ok(Err(_)) | Err(_) => misses += 1,
        }
        if misses >= MISSES {
            let _ = flag.send(true);
            return;
        }
    }
}
