//! What each session's customer said about the assets its page uses: for each address, the hash
//! of the bytes it read (which the cache holds, or will once they are uploaded), or that it could
//! not read it. The mirror's requests wait here, briefly, for an answer still on its way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::cache::Sha256Hash;
use crate::engine::{SessionId, TenantId};

/// Most addresses one session may describe.
pub const MAX_ADDRESSES_PER_SESSION: usize = 4_096;
/// Sessions whose offers are kept; beyond it the least recently used session's go.
const MAX_SESSIONS: usize = 10_000;
/// A session's offers are forgotten this long after they were last used.
const FORGET_AFTER: Duration = Duration::from_secs(2 * 3600);

/// What the customer's page said about one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// It read these bytes (with this content type).
    Read(Sha256Hash, &'static str),
    /// It could not read it (no CORS, too big, an error): Duet may fetch it itself.
    Unreadable,
}

struct Offers {
    tenant: TenantId,
    by_address: HashMap<String, Offer>,
    uploaded_bytes: u64,
    changed: Arc<Notify>,
    used_at: Instant,
}

/// Every session's offers, by session.
#[derive(Default)]
pub struct SessionOffers {
    sessions: Mutex<HashMap<SessionId, Offers>>,
}

impl SessionOffers {
    /// Notes what the customer of `session` (of `tenant`) said about these addresses; an address
    /// beyond the session's limit is ignored. Wakes whoever waits for them.
    pub fn offer(
        &self,
        tenant: &TenantId,
        session: SessionId,
        offers: impl IntoIterator<Item = (String, Offer)>,
        now: Instant,
    ) {
        let Ok(mut sessions) = self.sessions.lock() else {
            return;
        };
        let Some(entry) = entry(&mut sessions, tenant, session, now) else {
            return;
        };
        for (address, offer) in offers {
            if entry.by_address.len() < MAX_ADDRESSES_PER_SESSION
                || entry.by_address.contains_key(&address)
            {
                entry.by_address.insert(address, offer);
            }
        }
        entry.changed.notify_waiters();
    }

    /// Wakes whoever waits on `session` (an upload finished).
    pub fn touched(&self, session: SessionId) {
        if let Ok(sessions) = self.sessions.lock()
            && let Some(entry) = sessions.get(&session)
        {
            entry.changed.notify_waiters();
        }
    }

    /// Adds `bytes` to what `session` uploaded, if that stays within `budget`.
    pub fn charge_upload(&self, session: SessionId, bytes: u64, budget: u64) -> bool {
        let Ok(mut sessions) = self.sessions.lock() else {
            return false;
        };
        let Some(entry) = sessions.get_mut(&session) else {
            return false;
        };
        if entry.uploaded_bytes + bytes > budget {
            return false;
        }
        entry.uploaded_bytes += bytes;
        true
    }

    /// Whether `session`'s customer offered bytes with this hash (so uploading them is expected).
    pub fn expects(&self, session: SessionId, hash: Sha256Hash) -> bool {
        self.sessions.lock().is_ok_and(|sessions| {
            sessions.get(&session).is_some_and(|entry| {
                entry
                    .by_address
                    .values()
                    .any(|offer| matches!(offer, Offer::Read(offered, _) if *offered == hash))
            })
        })
    }

    /// What `session` said about `address`, and a notification to wait on for news.
    pub fn lookup(
        &self,
        tenant: &TenantId,
        session: SessionId,
        address: &str,
        now: Instant,
    ) -> (Option<Offer>, Option<Arc<Notify>>) {
        let Ok(mut sessions) = self.sessions.lock() else {
            return (None, None);
        };
        match entry(&mut sessions, tenant, session, now) {
            Some(entry) => (
                entry.by_address.get(address).copied(),
                Some(entry.changed.clone()),
            ),
            None => (None, None),
        }
    }

    /// Forgets every session of `tenant`.
    pub fn forget_tenant(&self, tenant: &TenantId) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.retain(|_, entry| entry.tenant != *tenant);
        }
    }
}

/// `session`'s offers, made empty when it has none; `None` when they are another tenant's.
fn entry<'a>(
    sessions: &'a mut HashMap<SessionId, Offers>,
    tenant: &TenantId,
    session: SessionId,
    now: Instant,
) -> Option<&'a mut Offers> {
    if !sessions.contains_key(&session) {
        forget_old(sessions, now);
    }
    let entry = sessions.entry(session).or_insert_with(|| Offers {
        tenant: tenant.clone(),
        by_address: HashMap::new(),
        uploaded_bytes: 0,
        changed: Arc::new(Notify::new()),
        used_at: now,
    });
    entry.used_at = now;
    (entry.tenant == *tenant).then_some(entry)
}

fn forget_old(sessions: &mut HashMap<SessionId, Offers>, now: Instant) {
    sessions.retain(|_, entry| now.duration_since(entry.used_at) < FORGET_AFTER);
    while sessions.len() >= MAX_SESSIONS {
        let Some(oldest) = sessions
            .iter()
            .min_by_key(|(_, entry)| entry.used_at)
            .map(|(id, _)| *id)
        else {
            break;
        };
        sessions.remove(&oldest);
    }
}
