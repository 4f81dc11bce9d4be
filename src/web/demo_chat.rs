//! The demo's chats: the stand-in live chat widget on the shop posts its context when the chat
//! starts (`POST /demo/chat/{conversation}/context`), and the stand-in for the org Web API call
//! the app tab makes (`GET /api/data/v9.2/msdyn_ocliveworkitemcontextitems`) answers with it, as
//! an org answers with the conversation's context items. Demo state only, bounded.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::error::{ApiJson, Error, Result};
use super::state::AppState;

/// The most conversations the demo remembers; the oldest is forgotten first.
const MAX_CHATS: usize = 1_000;

/// The context variables of one chat, by name.
type Context = BTreeMap<String, String>;

/// Each conversation's context, and the conversations in the order they started.
#[derive(Debug, Default)]
struct Chats {
    by_conversation: BTreeMap<String, Context>,
    order: VecDeque<String>,
}

/// The context each demo conversation's chat started with, by conversation id.
#[derive(Debug, Clone, Default)]
pub struct DemoChats(Arc<Mutex<Chats>>);

/// Routes of the demo's chats.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/demo/chat/{conversation}/context", post(start_chat))
        .route(
            "/api/data/v9.2/msdyn_ocliveworkitemcontextitems",
            get(context_items),
        )
        .with_state(DemoChats::default())
}

/// Keeps the context (`{"name": {"value": "…"}}`) the chat of `conversation` started with.
async fn start_chat(
    State(chats): State<DemoChats>,
    Path(conversation): Path<String>,
    ApiJson(context): ApiJson<BTreeMap<String, Value>>,
) -> Result<Json<Value>> {
    if conversation.len() > 200 || context.len() > 20 {
        return Err(Error::BadRequest(
            "a demo chat has a conversation id of at most 200 characters and at most 20 context variables".into(),
        ));
    }
    let items: Context = context
        .into_iter()
        .filter_map(|(name, item)| {
            let value = item.get("value")?.as_str()?.chars().take(500).collect();
            Some((name.chars().take(100).collect(), value))
        })
        .collect();
    let mut guard = chats
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Chats {
        by_conversation,
        order,
    } = &mut *guard;
    if by_conversation
        .insert(conversation.clone(), items)
        .is_none()
    {
        order.push_back(conversation);
    }
    while order.len() > MAX_CHATS {
        if let Some(oldest) = order.pop_front() {
            by_conversation.remove(&oldest);
        }
    }
    Ok(Json(json!({ "started": true })))
}

/// The conversation's context items named in `$filter`
/// (`_msdyn_ocliveworkitemid_value eq <id> and msdyn_name eq '<name>'`).
async fn context_items(State(chats): State<DemoChats>, RawQuery(query): RawQuery) -> Json<Value> {
    let query = query.unwrap_or_default();
    let filter = url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "$filter")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let (conversation, name) = parse_filter(&filter);
    let guard = chats
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let rows: Vec<Value> = guard
        .by_conversation
        .get(&conversation)
        .into_iter()
        .flat_map(|items| items.iter())
        .filter(|(item, _)| name.as_deref().is_none_or(|wanted| wanted == item.as_str()))
        .map(|(item, value)| json!({ "msdyn_name": item, "msdyn_value": value }))
        .collect();
    Json(json!({ "value": rows }))
}

/// The conversation id and the item name of an OData filter as the app tab writes it.
fn parse_filter(filter: &str) -> (String, Option<String>) {
    let literal = |text: &str| -> String {
        let text = text.trim();
        match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            Some(quoted) => quoted.replace("''", "'"),
            None => text.to_owned(),
        }
    };
    let after = |marker: &str| filter.split_once(marker).map(|(_, rest)| rest);
    let conversation = after("_msdyn_ocliveworkitemid_value eq ")
        .map(|rest| literal(rest.split(" and ").next().unwrap_or_default()))
        .unwrap_or_default();
    let name =
        after("msdyn_name eq ").map(|rest| literal(rest.split(" and ").next().unwrap_or_default()));
    (conversation, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_gives_the_conversation_quoted_or_not_and_the_item_name() {
        let quoted = "_msdyn_ocliveworkitemid_value eq 'demo-1' and msdyn_name eq 'DuetPairingKey'";
        assert_eq!(
            parse_filter(quoted),
            ("demo-1".into(), Some("DuetPairingKey".into()))
        );
        let guid = "_msdyn_ocliveworkitemid_value eq 8d2f3a10-0000-4000-8000-000000000001";
        assert_eq!(parse_filter(guid).0, "8d2f3a10-0000-4000-8000-000000000001");
    }
}
