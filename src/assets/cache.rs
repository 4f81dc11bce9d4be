//! The per-tenant cache of page assets, addressed by the SHA-256 of their bytes: what a second
//! session on the same site finds already here is never sent again. Bounded in bytes per tenant
//! and in total (the least recently used go first) and in age. It holds assets (images, fonts,
//! stylesheets, media), never a page's DOM or a typed value, and nothing of it is logged.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::engine::TenantId;

/// The SHA-256 of an asset's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Hash([u8; 32]);

impl Sha256Hash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Reads 64 lowercase or uppercase hex digits.
    pub fn parse(hex_text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_text, &mut out).ok()?;
        Some(Self(out))
    }

    /// The 64 lowercase hex digits.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }
}

/// The content types the cache keeps (and Duet serves), and what each is served as.
const KEPT_TYPES: &[&str] = &[
    "text/css",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "image/bmp",
    "font/woff",
    "font/woff2",
    "font/ttf",
    "font/otf",
    "application/font-woff",
    "application/font-woff2",
    "application/x-font-ttf",
    "application/x-font-woff",
    "application/vnd.ms-fontobject",
    "video/mp4",
    "video/webm",
    "video/ogg",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/webm",
    // Fonts are often served so; browsers never run or sniff it as a page.
    "application/octet-stream",
    "binary/octet-stream",
];

/// The kept type `declared` names (parameters and case ignored), or `None` for any other: a
/// page cannot make Duet serve HTML or script from its own origin.
pub fn kept_type(declared: &str) -> Option<&'static str> {
    let essence = declared.split(';').next().unwrap_or("").trim();
    KEPT_TYPES
        .iter()
        .copied()
        .find(|kept| kept.eq_ignore_ascii_case(essence))
}

/// One cached asset.
#[derive(Debug, Clone)]
pub struct Asset {
    /// One of the kept types.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: Bytes,
}

/// How much the cache holds.
#[derive(Debug, Clone, Copy)]
pub struct CacheLimits {
    /// Bytes per tenant.
    pub tenant_bytes: u64,
    /// Bytes in all.
    pub total_bytes: u64,
    /// How long an asset is kept after it was stored.
    pub max_age: Duration,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self {
            tenant_bytes: 256 << 20,
            total_bytes: 1 << 30,
            max_age: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

struct Kept {
    asset: Asset,
    stored_at: Instant,
    used_at: Instant,
}

#[derive(Default)]
struct Inner {
    assets: HashMap<(TenantId, Sha256Hash), Kept>,
    tenant_bytes: HashMap<TenantId, u64>,
    total_bytes: u64,
}

/// The cache: in memory, shared by every session of the node.
pub struct AssetCache {
    limits: CacheLimits,
    inner: Mutex<Inner>,
}

impl AssetCache {
    /// An empty cache with these limits.
    pub fn new(limits: CacheLimits) -> Self {
        Self {
            limits,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether `tenant` has the asset `hash` (and it is not past its age); marks it used.
    pub fn has(&self, tenant: &TenantId, hash: Sha256Hash, now: Instant) -> bool {
        self.get(tenant, hash, now).is_some()
    }

    /// The asset `hash` of `tenant`, if kept and not past its age; marks it used.
    pub fn get(&self, tenant: &TenantId, hash: Sha256Hash, now: Instant) -> Option<Asset> {
        let mut inner = self.inner.lock().ok()?;
        let key = (tenant.clone(), hash);
        let expired = inner
            .assets
            .get(&key)
            .is_some_and(|kept| now.duration_since(kept.stored_at) > self.limits.max_age);
        if expired {
            inner.remove(&key);
            return None;
        }
        let kept = inner.assets.get_mut(&key)?;
        kept.used_at = now;
        Some(kept.asset.clone())
    }

    /// Keeps `asset` for `tenant` under its hash, making room by dropping the least recently
    /// used; an asset larger than the tenant's whole share is not kept.
    pub fn put(&self, tenant: &TenantId, asset: Asset, now: Instant) -> Sha256Hash {
        let hash = Sha256Hash::of(&asset.bytes);
        let size = asset.bytes.len() as u64;
        let Ok(mut inner) = self.inner.lock() else {
            return hash;
        };
        let key = (tenant.clone(), hash);
        if size > self.limits.tenant_bytes || inner.assets.contains_key(&key) {
            return hash;
        }
        while inner.tenant_bytes.get(tenant).copied().unwrap_or(0) + size > self.limits.tenant_bytes
        {
            if !inner.drop_oldest(|(owner, _)| owner == tenant) {
                break;
            }
        }
        while inner.total_bytes + size > self.limits.total_bytes {
            if !inner.drop_oldest(|_| true) {
                break;
            }
        }
        *inner.tenant_bytes.entry(tenant.clone()).or_default() += size;
        inner.total_bytes += size;
        let kept = Kept {
            asset,
            stored_at: now,
            used_at: now,
        };
        inner.assets.insert(key, kept);
        hash
    }

    /// Forgets every asset of `tenant` (the tenant was removed).
    pub fn forget_tenant(&self, tenant: &TenantId) {
        if let Ok(mut inner) = self.inner.lock() {
            let keys: Vec<_> = inner
                .assets
                .keys()
                .filter(|(owner, _)| owner == tenant)
                .cloned()
                .collect();
            for key in keys {
                inner.remove(&key);
            }
            inner.tenant_bytes.remove(tenant);
        }
    }

    /// The tenants with anything in the cache.
    pub fn tenants(&self) -> Vec<TenantId> {
        self.inner
            .lock()
            .map(|inner| inner.tenant_bytes.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// How many bytes `tenant` has in the cache.
    pub fn tenant_bytes(&self, tenant: &TenantId) -> u64 {
        self.inner
            .lock()
            .map(|inner| inner.tenant_bytes.get(tenant).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

impl Inner {
    fn remove(&mut self, key: &(TenantId, Sha256Hash)) {
        if let Some(kept) = self.assets.remove(key) {
            let size = kept.asset.bytes.len() as u64;
            self.total_bytes -= size;
            if let Some(bytes) = self.tenant_bytes.get_mut(&key.0) {
                *bytes -= size;
            }
        }
    }

    fn drop_oldest(&mut self, among: impl Fn(&(TenantId, Sha256Hash)) -> bool) -> bool {
        let oldest = self
            .assets
            .iter()
            .filter(|(key, _)| among(key))
            .min_by_key(|(_, kept)| kept.used_at)
            .map(|(key, _)| key.clone());
        match oldest {
            Some(key) => {
                self.remove(&key);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(bytes: &'static [u8]) -> Asset {
        Asset {
            content_type: "image/png",
            bytes: Bytes::from_static(bytes),
        }
    }

    fn tenant(name: &str) -> TenantId {
        TenantId::new(name)
    }

    fn small() -> AssetCache {
        AssetCache::new(CacheLimits {
            tenant_bytes: 10,
            total_bytes: 15,
            max_age: Duration::from_secs(60),
        })
    }

    #[test]
    fn an_asset_is_found_by_its_hash_only_in_its_own_tenant() {
        let cache = small();
        let now = Instant::now();
        let hash = cache.put(&tenant("a"), asset(b"12345"), now);
        assert_eq!(hash, Sha256Hash::of(b"12345"));
        assert_eq!(
            cache.get(&tenant("a"), hash, now).unwrap().bytes,
            &b"12345"[..]
        );
        assert!(!cache.has(&tenant("b"), hash, now));
    }

    #[test]
    fn a_full_tenant_drops_its_least_recently_used_and_leaves_others_alone() {
        let cache = small();
        let now = Instant::now();
        let other = cache.put(&tenant("b"), asset(b"bb"), now);
        let first = cache.put(&tenant("a"), asset(b"1111"), now);
        let second = cache.put(&tenant("a"), asset(b"2222"), now + Duration::from_secs(1));
        assert!(cache.has(&tenant("a"), first, now + Duration::from_secs(2)));
        cache.put(&tenant("a"), asset(b"3333"), now + Duration::from_secs(3));
        assert!(
            !cache.has(&tenant("a"), second, now + Duration::from_secs(3)),
            "the least recently used went"
        );
        assert!(cache.has(&tenant("a"), first, now + Duration::from_secs(3)));
        assert!(cache.has(&tenant("b"), other, now + Duration::from_secs(3)));
        assert!(cache.tenant_bytes(&tenant("a")) <= 10);
    }

    #[test]
    fn the_total_is_bounded_across_tenants() {
        let cache = small();
        let now = Instant::now();
        let old = cache.put(&tenant("a"), asset(b"aaaaaaaa"), now);
        cache.put(
            &tenant("b"),
            asset(b"bbbbbbbb"),
            now + Duration::from_secs(1),
        );
        assert!(!cache.has(&tenant("a"), old, now + Duration::from_secs(2)));
    }

    #[test]
    fn an_asset_past_its_age_is_gone_and_one_too_big_is_never_kept() {
        let cache = small();
        let now = Instant::now();
        let hash = cache.put(&tenant("a"), asset(b"12"), now);
        assert!(!cache.has(&tenant("a"), hash, now + Duration::from_secs(61)));
        assert_eq!(cache.tenant_bytes(&tenant("a")), 0);
        let big = cache.put(&tenant("a"), asset(b"0123456789ab"), now);
        assert!(!cache.has(&tenant("a"), big, now));
    }

    #[test]
    fn only_asset_types_are_kept_whatever_their_parameters() {
        assert_eq!(kept_type("text/css; charset=utf-8"), Some("text/css"));
        assert_eq!(kept_type("IMAGE/PNG"), Some("image/png"));
        for refused in [
            "text/html",
            "application/javascript",
            "text/javascript",
            "",
            "image/svg",
        ] {
            assert_eq!(kept_type(refused), None, "{refused}");
        }
    }
}
