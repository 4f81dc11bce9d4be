//! What an agent asks the customer's page to do in write mode, and the size checks Duet makes
//! before forwarding it; the customer's script decides whether it may happen.

use serde::{Deserialize, Serialize};

use super::protocol::BadFrame;

/// What an agent asks the customer's page to do; the customer's script decides whether it may.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[serde(deny_unknown_fields)]
pub struct AgentAction {
    /// The kind of action.
    pub kind: ActionKind,
    /// The rrweb node id of the target, when the agent's view knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Horizontal position in the customer's viewport CSS pixels (the fallback target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    /// Vertical position in the customer's viewport CSS pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
    /// Text typed, option chosen, or URL to navigate to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A key name, for `key` actions (e.g. `Enter`, `Tab`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Scroll distance, horizontal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dx: Option<f64>,
    /// Scroll distance, vertical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dy: Option<f64>,
}

/// The kinds of agent action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Click the target.
    Click,
    /// Replace the target field's text with `value`.
    Input,
    /// Press `key` on the focused element.
    Key,
    /// Scroll by `dx`, `dy`.
    Scroll,
    /// Choose the option whose value is `value` in a `<select>`.
    Select,
    /// Go to `value`, a URL of the same site.
    Navigate,
}

/// Longest text an action may carry.
pub const MAX_ACTION_TEXT: usize = 10_000;

impl AgentAction {
    /// Checks sizes and numbers, so nothing absurd is forwarded.
    pub fn check(&self) -> Result<(), BadFrame> {
        let numbers = [self.x, self.y, self.dx, self.dy];
        if numbers.iter().flatten().any(|n| !n.is_finite()) {
            return Err(BadFrame::Missing("action", "finite numbers"));
        }
        if self
            .value
            .as_ref()
            .is_some_and(|v| v.chars().count() > MAX_ACTION_TEXT)
            || self.key.as_ref().is_some_and(|k| k.chars().count() > 32)
        {
            return Err(BadFrame::Missing(
                "action",
                "a value under 10,000 characters and a key name under 32",
            ));
        }
        Ok(())
    }
}
