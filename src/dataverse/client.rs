//! One authenticated HTTP client for an org's Web API: standard headers, retries on 429, 5xx and
//! timeouts, and Dataverse error bodies turned into [`Error`]s.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde_json::Value;

use super::auth::{Credentials, TokenSource};
use super::error::{Error, chain};
use super::retry::RetryPolicy;

/// The Web API path prefix under the org URL.
pub const API_PATH: &str = "/api/data/v9.2/";

/// An org's Web API, signed in; built once per command.
pub struct Client {
    http: reqwest::Client,
    api: String,
    tokens: TokenSource,
    policy: RetryPolicy,
}

/// A status and body the caller decides about.
struct Answer {
    status: StatusCode,
    body: String,
}

impl Client {
    /// Builds the HTTP client (no redirects followed) for `org`, e.g. `https://contoso.crm.dynamics.com`.
    pub fn new(org: &str, credentials: Credentials, policy: RetryPolicy) -> Result<Self, Error> {
        let org = org_url(org)?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.request_timeout)
            .default_headers(odata_headers())
            .build()
            .map_err(|e| Error::Transport {
                step: "building the HTTP client".to_owned(),
                reason: e.to_string(),
            })?;
        let tokens = TokenSource::new(credentials, &org)?;
        let api = format!("{org}{API_PATH}");
        Ok(Self {
            http,
            api,
            tokens,
            policy,
        })
    }

    /// The retry and polling timings in use.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// `GET <path>` → the JSON body; any non-success status is an error.
    pub async fn get(&self, step: &str, path: &str) -> Result<Value, Error> {
        self.get_optional(step, path)
            .await?
            .ok_or_else(|| Error::from_status(step, StatusCode::NOT_FOUND, ""))
    }

    /// `GET <path>` → `None` on 404, else the JSON body.
    pub async fn get_optional(&self, step: &str, path: &str) -> Result<Option<Value>, Error> {
        let answer = self
            .send(step, Method::GET, path, None, Delivery::Retried)
            .await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        json(step, answer).map(Some)
    }

    /// `PATCH <path>` with `body`: an upsert by id.
    pub async fn patch(&self, step: &str, path: &str, body: &Value) -> Result<(), Error> {
        let answer = self
            .send(step, Method::PATCH, path, Some(body), Delivery::Retried)
            .await?;
        success(step, &answer)
    }

    /// `POST <path>` with `body` → the JSON body of the answer (`{}` when empty); retried on 5xx
    /// and timeouts, so only for requests that may safely run twice.
    pub async fn post(&self, step: &str, path: &str, body: &Value) -> Result<Value, Error> {
        let answer = self
            .send(step, Method::POST, path, Some(body), Delivery::Retried)
            .await?;
        json(step, answer)
    }

    /// `POST <path>` that must not run twice: 429s and refused connections are retried, but a
    /// 5xx, a timeout or a lost answer is [`Error::Unanswered`], for the caller to find out
    /// whether the org acted on it.
    pub async fn post_once(&self, step: &str, path: &str, body: &Value) -> Result<Value, Error> {
        let answer = self
            .send(step, Method::POST, path, Some(body), Delivery::Once)
            .await?;
        json(step, answer)
    }

    /// `DELETE <path>` → whether it existed (404 means already gone).
    pub async fn delete(&self, step: &str, path: &str) -> Result<bool, Error> {
        let answer = self
            .send(step, Method::DELETE, path, None, Delivery::Retried)
            .await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(false);
        }
        success(step, &answer).map(|()| true)
    }

    /// Sends one request, retrying throttling (its own budget), server errors and timeouts.
    async fn send(
        &self,
        step: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        delivery: Delivery,
    ) -> Result<Answer, Error> {
        let url = format!("{}{path}", self.api);
        let mut budget = Budget::default();
        loop {
            let token = self.tokens.token(&self.http).await?;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .header(AUTHORIZATION, format!("Bearer {}", token.expose_secret()));
            if let Some(body) = body {
                request = request.header(CONTENT_TYPE, "application/json").json(body);
            }
            let verdict = match request.send().await {
                Ok(response) => self.judge(budget.failures + 1, &budget, response).await,
                Err(e) if e.is_connect() => {
                    Verdict::failed(self.policy.backoff(budget.failures + 1), chain(&e))
                }
                Err(e) if e.is_timeout() && delivery == Delivery::Retried => {
                    Verdict::failed(self.policy.backoff(budget.failures + 1), chain(&e))
                }
                Err(e) if delivery == Delivery::Once => return Err(unanswered(step, &chain(&e))),
                Err(e) => return Err(transport(step, &e)),
            };
            let wait = match verdict {
                Verdict::Done(answer) => return Ok(answer),
                Verdict::Throttled { wait } => budget.throttled(step, wait, &self.policy)?,
                Verdict::Failed { .. }
                    if delivery == Delivery::Once && verdict.is_server_error() =>
                {
                    return Err(unanswered(step, &verdict.why()));
                }
                Verdict::Failed { wait, why } => budget.failed(step, wait, why, &self.policy)?,
            };
            tracing::info!(step, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// Decides whether an answer is final or worth another attempt.
    async fn judge(&self, attempt: u32, budget: &Budget, response: reqwest::Response) -> Verdict {
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = self
                .policy
                .throttle_wait(retry_after.as_deref(), budget.throttles + 1);
            return Verdict::Throttled { wait };
        }
        if status.is_server_error() {
            return Verdict::failed(self.policy.backoff(attempt), format!("HTTP {status}"));
        }
        if status == StatusCode::UNAUTHORIZED && !budget.refreshed_token {
            // The org may have revoked the token early: get a fresh one once.
            self.tokens.invalidate().await;
            return Verdict::failed(Duration::ZERO, "HTTP 401");
        }
        Verdict::Done(Answer { status, body })
    }
}

/// Whether a request may be sent again after a failure whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    /// Idempotent (GET, PATCH by id, DELETE): retried on 5xx and timeouts.
    Retried,
    /// Starts something (an import, an uninstall): never re-sent blindly.
    Once,
}

/// What one request has used of its retry budgets.
#[derive(Debug, Default)]
struct Budget {
    failures: u32,
    throttles: u32,
    throttled_for: Duration,
    refreshed_token: bool,
}

impl Budget {
    /// Counts a 429 against the throttling budget; the wait, or the error when it is spent.
    fn throttled(
        &mut self,
        step: &str,
        wait: Duration,
        policy: &RetryPolicy,
    ) -> Result<Duration, Error> {
        self.throttles += 1;
        self.throttled_for += wait;
        if self.throttles > policy.max_throttle_waits
            || self.throttled_for > policy.max_throttle_total
        {
            return Err(Error::Throttled {
                step: step.to_owned(),
                waits: self.throttles - 1,
                waited_secs: (self.throttled_for - wait).as_secs(),
            });
        }
        Ok(wait)
    }

    /// Counts a 5xx, timeout or 401 against the attempts; the wait, or the error when spent.
    fn failed(
        &mut self,
        step: &str,
        wait: Duration,
        why: String,
        policy: &RetryPolicy,
    ) -> Result<Duration, Error> {
        if why == "HTTP 401" {
            self.refreshed_token = true;
            return Ok(wait);
        }
        self.failures += 1;
        if self.failures >= policy.max_attempts.max(1) {
            return Err(Error::RetriesExhausted {
                step: step.to_owned(),
                attempts: self.failures,
                last: why,
            });
        }
        Ok(wait)
    }
}

enum Verdict {
    Done(Answer),
    Throttled { wait: Duration },
    Failed { wait: Duration, why: String },
}

impl Verdict {
    fn failed(wait: Duration, why: impl Into<String>) -> Self {
        Self::Failed {
            wait,
            why: why.into(),
        }
    }

    /// A 5xx answer: the org may or may not have acted on the request.
    fn is_server_error(&self) -> bool {
        matches!(self, Self::Failed { why, .. } if why.starts_with("HTTP 5"))
    }

    fn why(&self) -> String {
        match self {
            Self::Failed { why, .. } => why.clone(),
            _ => String::new(),
        }
    }
}

/// Headers every Web API request carries (reference 3.2).
fn odata_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert("OData-MaxVersion", HeaderValue::from_static("4.0"));
    headers.insert("OData-Version", HeaderValue::from_static("4.0"));
    headers.insert("If-None-Match", HeaderValue::from_static("null"));
    headers
}

/// Checks and normalises the org URL: http(s), a host, no trailing slash.
pub fn org_url(org: &str) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidUrl {
        what: "the org URL (--org)",
        value: org.to_owned(),
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(org.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("expected https://<org>.crm.dynamics.com"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn success(step: &str, answer: &Answer) -> Result<(), Error> {
    if answer.status.is_success() {
        Ok(())
    } else {
        Err(Error::from_status(step, answer.status, &answer.body))
    }
}

fn json(step: &str, answer: Answer) -> Result<Value, Error> {
    success(step, &answer)?;
    if answer.body.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_str(&answer.body).map_err(|e| Error::Decode {
        step: step.to_owned(),
        reason: e.to_string(),
    })
}

fn unanswered(step: &str, reason: &str) -> Error {
    Error::Unanswered {
        step: step.to_owned(),
        reason: reason.to_owned(),
    }
}

fn transport(step: &str, error: &reqwest::Error) -> Error {
    Error::Transport {
        step: step.to_owned(),
        reason: chain(error),
    }
}

/// An OData string literal for `$filter`: quoted, quotes doubled, URL-special characters escaped.
pub fn odata_string(value: &str) -> String {
    let escaped = value
        .replace('%', "%25")
        .replace('\'', "''")
        .replace('&', "%26")
        .replace('#', "%23")
        .replace('+', "%2B");
    format!("'{escaped}'")
}
