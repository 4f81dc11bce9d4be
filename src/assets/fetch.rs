//! Duet fetching a public asset itself, for what the customer's browser could not read (no
//! CORS): only from the tenant's own website origins, never following a redirect to another
//! origin, without cookies, within size and time limits.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use url::Url;

use super::cache::kept_type;

/// The largest asset Duet fetches or accepts.
pub const MAX_ASSET_BYTES: usize = 8 << 20;
/// How long one fetch may take, headers and body.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed, each within the same origin.
const MAX_REDIRECTS: usize = 3;

/// What a fetch got: a kept type and the bytes.
#[derive(Debug)]
pub struct Fetched {
    /// The content type (one the cache keeps).
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: Bytes,
}

/// Fetches public assets from tenants' sites.
#[derive(Clone)]
pub struct SiteFetcher {
    client: reqwest::Client,
}

impl Default for SiteFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl SiteFetcher {
    /// A client that follows no redirect by itself and keeps no cookies.
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FETCH_TIMEOUT)
            .user_agent("Duet asset fetcher")
            .build()
            .unwrap_or_default();
        Self { client }
    }

    /// `address` if it is on one of `sites` (origins like `https://shop.example`); a redirect is
    /// followed only within that origin. `None` for anything else: another origin, an error, a
    /// type the cache does not keep, or more than `MAX_ASSET_BYTES`.
    pub async fn fetch(&self, address: &Url, sites: &[String]) -> Option<Fetched> {
        let origin = address.origin().ascii_serialization();
        if !sites
            .iter()
            .any(|site| site.trim_end_matches('/') == origin)
        {
            return None;
        }
        let mut current = address.clone();
        for _ in 0..=MAX_REDIRECTS {
            let response = self.client.get(current.clone()).send().await.ok()?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)?
                    .to_str()
                    .ok()?;
                let next = current.join(location).ok()?;
                if next.origin().ascii_serialization() != origin {
                    return None;
                }
                current = next;
                continue;
            }
            if !response.status().is_success() {
                return None;
            }
            let declared = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)?
                .to_str()
                .ok()?;
            let content_type = kept_type(declared)?;
            if response
                .content_length()
                .is_some_and(|length| length > MAX_ASSET_BYTES as u64)
            {
                return None;
            }
            let bytes = read_capped(response).await?;
            return Some(Fetched {
                content_type,
                bytes,
            });
        }
        None
    }
}

async fn read_capped(mut response: reqwest::Response) -> Option<Bytes> {
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_ASSET_BYTES {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body.freeze())
}
