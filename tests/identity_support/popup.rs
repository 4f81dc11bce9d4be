//! The sign-in popup as a browser walks it, without following redirects: Duet's `/auth/signin`,
//! the provider, Duet's callback, and the result page it ends on.

/// What the popup ends on.
pub struct Outcome {
    /// The result page's status.
    pub status: u16,
    /// The result page.
    pub page: String,
    /// Its Content-Security-Policy.
    pub csp: String,
    /// The callback URL that gave it.
    pub callback: String,
}

impl Outcome {
    /// The signed-in token the page hands its opener, if any.
    pub fn token(&self) -> Option<String> {
        attribute(&self.page, "data-token").filter(|token| !token.is_empty())
    }

    /// The refusal the page shows, if any.
    pub fn message(&self) -> String {
        attribute(&self.page, "data-message").unwrap_or_default()
    }
}

/// The value of `name="…"` in `page`, unescaped.
pub fn attribute(page: &str, name: &str) -> Option<String> {
    let start = page.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + page[start..].find('"')?;
    Some(
        page[start..end]
            .replace("&#34;", "\"")
            .replace("&#39;", "'"),
    )
}

/// An HTTP client that stops at each redirect.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Where `url` redirects.
pub async fn location(http: &reqwest::Client, url: &str) -> String {
    let response = http.get(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302, "{url} redirects");
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The page `url` answers with.
pub async fn open(http: &reqwest::Client, url: &str) -> Outcome {
    let response = http.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let csp = response
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Outcome {
        status,
        csp,
        page: response.text().await.unwrap(),
        callback: url.to_owned(),
    }
}
