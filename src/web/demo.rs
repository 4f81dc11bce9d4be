//! The demo a newcomer clicks through: a shop with the customer script (and, with `?chat=widget`,
//! a stand-in live chat widget), a simulated Omnichannel agent desktop, a counter that proves
//! customer-page scripts never run in the console, and the stand-in for the org Web API call
//! that reads a conversation's context items (the chats' contexts are the demo's own state).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::error::{ApiQuery, Result};
use super::pages::{DEMO_CONVERSATION, render};
use super::state::AppState;

/// Routes of the demo. Its counter and its chats are the demo's own state, not the service's.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/demo/shop", get(show_shop))
        .route("/demo/shop/delivery", get(show_delivery))
        .route("/demo/omnichannel", get(show_omnichannel))
        .route("/demo/pwned", get(count_pwned))
        .route("/demo/pwned/count", get(show_pwned_count))
        .with_state(PwnedCounter::default())
        .merge(super::demo_chat::router())
}

/// `?conversation=&chat=` of the demo pages.
#[derive(Debug, Deserialize)]
struct DemoQuery {
    conversation: Option<String>,
    chat: Option<String>,
}

impl DemoQuery {
    fn chat_widget(&self) -> bool {
        self.chat.as_deref() == Some("widget")
    }

    fn conversation(self) -> String {
        self.conversation
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| DEMO_CONVERSATION.to_owned())
    }
}

/// The customer's shop.
#[derive(Template)]
#[template(path = "demo/shop.html")]
struct ShopPage {
    conversation: String,
    chat_widget: bool,
}

async fn show_shop(ApiQuery(query): ApiQuery<DemoQuery>) -> Result<Html<String>> {
    let chat_widget = query.chat_widget();
    render(&ShopPage {
        conversation: query.conversation(),
        chat_widget,
    })
}

/// The shop's second page, for following the customer across pages and tabs.
#[derive(Template)]
#[template(path = "demo/delivery.html")]
struct DeliveryPage {
    conversation: String,
}

async fn show_delivery(ApiQuery(query): ApiQuery<DemoQuery>) -> Result<Html<String>> {
    render(&DeliveryPage {
        conversation: query.conversation(),
    })
}

/// The simulated Omnichannel agent desktop.
#[derive(Template)]
#[template(path = "demo/omnichannel.html")]
struct OmnichannelPage {
    conversation: String,
}

async fn show_omnichannel(ApiQuery(query): ApiQuery<DemoQuery>) -> Result<Html<String>> {
    render(&OmnichannelPage {
        conversation: query.conversation(),
    })
}

/// How often the shop's deliberately script-bearing markup ran, by where it ran.
#[derive(Debug, Clone, Default)]
pub struct PwnedCounter(Arc<Mutex<BTreeMap<String, u64>>>);

/// `?via=` of the counter.
#[derive(Debug, Deserialize)]
struct PwnedQuery {
    via: Option<String>,
}

async fn count_pwned(
    State(counter): State<PwnedCounter>,
    ApiQuery(query): ApiQuery<PwnedQuery>,
) -> &'static str {
    let via: String = query
        .via
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(20)
        .collect();
    let mut counts = counter
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *counts.entry(via).or_default() += 1;
    "counted"
}

async fn show_pwned_count(State(counter): State<PwnedCounter>) -> Json<serde_json::Value> {
    let counts = counter
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    // The shop's own page runs its markup as `via=customer`; anything else ran where it must not.
    let elsewhere: u64 = counts
        .iter()
        .filter(|(via, _)| via.as_str() != "customer")
        .map(|(_, n)| n)
        .sum();
    Json(serde_json::json!({ "count": elsewhere, "by": counts }))
}
