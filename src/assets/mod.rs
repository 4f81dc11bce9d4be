//! Page assets through Duet (#17): the stylesheets, fonts, images and media the agent's mirror
//! needs, read by the customer's browser with the customer's own credentials and uploaded once
//! per content (`cache.rs`, per tenant, by SHA-256), or fetched by Duet itself from the tenant's
//! own site origins when the browser could not read them (`fetch.rs`). The mirror asks Duet for
//! every address (`/page-assets/{session}/{key}?u=…`) and never anything else, so the customer's
//! page cannot make the agent's browser fetch anything from anywhere. `offers.rs` keeps what each
//! session's customer said about each address; `css.rs` rewrites a stylesheet's references.
//! Nothing here logs an address, a hash or a byte of an asset.

pub mod cache;
pub mod css;
pub mod fetch;
pub mod offers;

use std::time::{Duration, Instant};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

pub use cache::{Asset, AssetCache, CacheLimits, Sha256Hash, kept_type};
pub use fetch::{MAX_ASSET_BYTES, SiteFetcher};
pub use offers::{Offer, SessionOffers};

use crate::engine::{SessionId, TenantId};

/// Bytes one session's customer may upload in all.
pub const SESSION_UPLOAD_BUDGET: u64 = 64 << 20;
/// How long the mirror's request waits for the customer's page to say what an address is, or
/// to upload bytes it offered.
pub const WAIT_FOR_CUSTOMER: Duration = Duration::from_secs(10);

/// Why an upload was refused; each message says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    /// The body's hash is not the one in the address.
    #[error("the body's SHA-256 is not the one in the address: send the asset's exact bytes")]
    HashMismatch,
    /// The session never offered this hash.
    #[error("this session did not offer an asset with this hash: offer it first (POST …/assets)")]
    NotOffered,
    /// The content type is not an asset's.
    #[error(
        "only stylesheets, images, fonts, audio and video are kept: send one of those content types"
    )]
    NotAnAsset,
    /// Too big, alone or with the session's earlier uploads.
    #[error(
        "the asset, or the session's uploads in all, are over Duet's limit: send smaller assets"
    )]
    TooBig,
}

/// The node's page assets: the cache, every session's offers, and Duet's own fetcher.
pub struct PageAssets {
    cache: AssetCache,
    offers: SessionOffers,
    fetcher: SiteFetcher,
}

impl PageAssets {
    /// An empty set with these cache limits.
    pub fn new(limits: CacheLimits) -> Self {
        Self {
            cache: AssetCache::new(limits),
            offers: SessionOffers::default(),
            fetcher: SiteFetcher::new(),
        }
    }

    /// Notes what the customer of `session` read (address, hash, type) and could not read, and
    /// returns the hashes the cache lacks, for the customer to upload.
    pub fn offer(
        &self,
        tenant: &TenantId,
        session: SessionId,
        read: Vec<(String, Sha256Hash, &'static str)>,
        unreadable: Vec<String>,
    ) -> Vec<Sha256Hash> {
        let now = Instant::now();
        let mut missing: Vec<Sha256Hash> = read
            .iter()
            .map(|(_, hash, _)| *hash)
            .filter(|hash| !self.cache.has(tenant, *hash, now))
            .collect();
        missing.sort_by_key(|hash| hash.to_hex());
        missing.dedup();
        let offers = read
            .into_iter()
            .map(|(address, hash, kind)| (address, Offer::Read(hash, kind)))
            .chain(
                unreadable
                    .into_iter()
                    .map(|address| (address, Offer::Unreadable)),
            );
        self.offers.offer(tenant, session, offers, now);
        missing
    }

    /// Keeps bytes `session`'s customer offered under `hash`.
    pub fn upload(
        &self,
        tenant: &TenantId,
        session: SessionId,
        hash: Sha256Hash,
        declared_type: &str,
        bytes: Bytes,
    ) -> Result<(), UploadError> {
        let content_type = kept_type(declared_type).ok_or(UploadError::NotAnAsset)?;
        if bytes.len() > MAX_ASSET_BYTES {
            return Err(UploadError::TooBig);
        }
        if Sha256Hash::of(&bytes) != hash {
            return Err(UploadError::HashMismatch);
        }
        if !self.offers.expects(session, hash) {
            return Err(UploadError::NotOffered);
        }
        let now = Instant::now();
        if !self.cache.has(tenant, hash, now) {
            if !self
                .offers
                .charge_upload(session, bytes.len() as u64, SESSION_UPLOAD_BUDGET)
            {
                return Err(UploadError::TooBig);
            }
            self.cache.put(
                tenant,
                Asset {
                    content_type,
                    bytes,
                },
                now,
            );
        }
        self.offers.touched(session);
        Ok(())
    }

    /// The asset at `address` for `session`'s mirror: what its customer uploaded (waiting up to
    /// `wait` for the customer to say or send it), else, when the customer could not read it or
    /// never said, what Duet fetches itself from one of the tenant's `sites`.
    pub async fn resolve(
        &self,
        tenant: &TenantId,
        session: SessionId,
        address: &Url,
        sites: &[String],
        wait: Duration,
    ) -> Option<Asset> {
        let deadline = tokio::time::Instant::now() + wait;
        let (_, changed) = self
            .offers
            .lookup(tenant, session, address.as_str(), Instant::now());
        let changed = changed?;
        loop {
            // Made before looking, so news that comes in between is not missed.
            let notified = changed.notified();
            let (offer, _) = self
                .offers
                .lookup(tenant, session, address.as_str(), Instant::now());
            match offer {
                Some(Offer::Read(hash, _)) => {
                    if let Some(asset) = self.cache.get(tenant, hash, Instant::now()) {
                        return Some(asset);
                    }
                }
                Some(Offer::Unreadable) => break,
                None => {}
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                break;
            }
        }
        let fetched = self.fetcher.fetch(address, sites).await?;
        let asset = Asset {
            content_type: fetched.content_type,
            bytes: fetched.bytes,
        };
        self.cache.put(tenant, asset.clone(), Instant::now());
        Some(asset)
    }

    /// Forgets every asset and offer of each tenant `kept` says no to (a removed tenant).
    pub fn keep_tenants(&self, kept: impl Fn(&TenantId) -> bool) {
        for tenant in self
            .cache
            .tenants()
            .into_iter()
            .filter(|tenant| !kept(tenant))
        {
            self.cache.forget_tenant(&tenant);
            self.offers.forget_tenant(&tenant);
        }
    }
}

/// The key in the mirror's asset addresses for `session` of `tenant`: whoever was given the
/// session's page (its agents and supervisors) has it, nobody can guess it.
pub fn session_key(secret: &[u8], tenant: &TenantId, session: SessionId) -> String {
    use base64::Engine;
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"duet page assets\0");
    mac.update(tenant.as_str().as_bytes());
    mac.update(b"\0");
    mac.update(session.to_string().as_bytes());
    let tag = mac.finalize().into_bytes();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..18])
}

/// The path prefix of `session`'s assets for its mirror: `/page-assets/{session}/{key}`.
pub fn mirror_prefix(secret: &[u8], tenant: &TenantId, session: SessionId) -> String {
    format!(
        "/page-assets/{session}/{}",
        session_key(secret, tenant, session)
    )
}
