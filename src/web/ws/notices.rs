//! Turns what the engine tells a co-browse participant into the wire message it reads.

use crate::engine::{EndReason, Notice, State as SessionState};
use crate::web::protocol::{JoinRequest, ServerMsg};
use crate::web::state::Settings;

/// The frame text for a notice, or `None` when the notice is not for co-browse sockets.
/// `customer` says who reads it, so the sentences can speak to them.
pub(super) fn encode(notice: Notice, settings: &Settings, customer: bool) -> Option<String> {
    let message = match notice {
        Notice::SnapshotNeeded => ServerMsg::SnapshotNeeded.encode(),
        Notice::Standby => ServerMsg::Standby {
            message: "Your agent sees your other tab of this site now. Come back to this tab to show it.",
        }
        .encode(),
        Notice::TabSwitched { tabs, closed } => ServerMsg::TabSwitched {
            tabs,
            message: if closed {
                "The customer closed the tab you saw; you see their other tab of the site."
            } else {
                "The customer switched to another tab of the site; you see that tab now."
            },
        }
        .encode(),
        Notice::Share(_) => return None,
        Notice::ScreenShown { sharer } => {
            let (who, name) = match &sharer {
                Some((who, name)) => (Some(*who), Some(name.as_str())),
                None => (None, None),
            };
            ServerMsg::ScreenShown { sharer: who, name }.encode()
        }
        Notice::ShareTakenOver { by_customer } => {
            let message = if by_customer {
                "The customer is sharing their screen now; yours is no longer shown."
            } else {
                "Another agent is sharing their screen now; yours is no longer shown."
            };
            ServerMsg::ShareTakenOver { message }.encode()
        }
        Notice::ShareRequested { agent_name } => ServerMsg::ShareRequested {
            agent_name: &agent_name,
        }
        .encode(),
        Notice::ControlRequested { agent_name } => {
            let expires_in_ms = settings.control_request_ms;
            ServerMsg::ControlRequested {
                agent_name: &agent_name,
                expires_in_ms,
            }
            .encode()
        }
        Notice::Consent(consent) => ServerMsg::Consent {
            state: consent.as_str(),
            message: consent.describe(),
        }
        .encode(),
        Notice::State {
            state,
            reason,
            control,
            control_pending,
            control_outcome,
            agents_connected,
            customer_connected,
            customer_tabs,
            viewers,
            watchers,
            join_requests,
            control_holder,
            control_asker,
        } => {
            let connected = Connected {
                agents: agents_connected,
                customer: customer_connected,
            };
            let message = describe(state, reason, connected, customer);
            let agents = agents_connected;
            let join_requests: Vec<JoinRequest<'_>> = join_requests
                .iter()
                .map(|request| JoinRequest {
                    agent: &request.agent,
                    name: &request.name,
                    ask: request.ask,
                })
                .collect();
            ServerMsg::State {
                state,
                reason,
                message,
                control,
                control_pending,
                control_outcome,
                agents,
                customer_tabs,
                viewers: &viewers,
                watchers: &watchers,
                join_requests: &join_requests,
                control_holder: control_holder.as_deref(),
                control_asker: control_asker.as_deref(),
            }
            .encode()
        }
    };
    Some(message)
}

/// Who is connected to the session now.
struct Connected {
    agents: usize,
    customer: bool,
}

/// A sentence about the state, worded for the person reading it (`customer` or an agent).
fn describe(
    state: SessionState,
    reason: Option<EndReason>,
    connected: Connected,
    customer: bool,
) -> &'static str {
    match (state, reason, customer) {
        (SessionState::Ended, Some(reason), _) => reason.describe(),
        (SessionState::Ended, None, _) => "The session has ended.",
        (SessionState::Idle, _, true) => {
            "Waiting for the agent to join. Read the session id to your agent."
        }
        (SessionState::Idle, _, false) => {
            "Waiting for you to join with the id the customer reads out."
        }
        (SessionState::Active, _, true) if connected.agents == 0 => {
            "The agent's console is not connected right now; waiting for it to connect."
        }
        (SessionState::Active, _, true) => "The agent is viewing this page with you.",
        (SessionState::Active, _, false) if !connected.customer => {
            "The customer's page is not connected (reloading or closed); waiting for it to come back."
        }
        (SessionState::Active, _, false) => {
            "You see the customer's page live; they see your pointer."
        }
    }
}
