//! What the engine tells a participant, beside the frames it relays: state changes, requests
//! for the customer's answer, where an agent's request to join stands. The web layer turns each
//! into the wire message its reader gets.

use super::session::{ControlMode, ControlOutcome, EndReason, State};

/// What the engine tells a participant; the web layer turns it into a wire message.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// The session changed state, or someone joined or left.
    State {
        /// The new state.
        state: State,
        /// Why it ended, once it has.
        reason: Option<EndReason>,
        /// Pointer or write.
        control: ControlMode,
        /// Whether an agent's request for write mode waits for the customer.
        control_pending: bool,
        /// How the last control request or grant ended.
        control_outcome: Option<ControlOutcome>,
        /// Agents connected now (not counting agents who wait for consent).
        agents_connected: usize,
        /// Whether the customer's page is connected now (it is not while it reloads).
        customer_connected: bool,
        /// How many tabs of the customer's are connected (agents see the one in front).
        customer_tabs: usize,
        /// The names of the admitted agents connected now: who can see the page.
        viewers: Vec<String>,
        /// The names of the supervisors watching now, read-only.
        watchers: Vec<String>,
        /// Agents asking to join, waiting for the customer's answer.
        join_requests: Vec<JoinRequestView>,
        /// The handle of the agent in control, in write mode.
        control_holder: Option<String>,
        /// The handle of the agent whose control request waits for the customer.
        control_asker: Option<String>,
    },
    /// To an agent asking to join a session another agent holds: where the customer's consent is.
    Consent(Consent),
    /// To the customer: an agent asks for write mode; approve or deny.
    ControlRequested {
        /// Who asks.
        agent_name: String,
    },
    /// The customer's script must send a fresh full snapshot (an agent joined or fell behind,
    /// or this tab came to the front).
    SnapshotNeeded,
    /// To a customer tab: another tab of the customer is in front now; stop recording this one.
    Standby,
    /// To agents: the customer switched to another tab of the site, or closed the one in front.
    TabSwitched {
        /// How many tabs of the customer are connected now.
        tabs: usize,
        /// True when the tab in front was closed (the customer's other tab is shown instead).
        closed: bool,
    },
    /// A screen share changed state.
    Share(super::share::ShareNotice),
    /// Inside a co-browse session: who shows their screen now (`None`: nobody).
    ScreenShown {
        /// `customer` or `agent`, with the sharer's name.
        sharer: Option<(&'static str, String)>,
    },
    /// To an agent: another agent (or the customer) took over the screen share.
    ShareTakenOver {
        /// True when the customer, not another agent, now shares.
        by_customer: bool,
    },
    /// To the customer: an agent asks to see the customer's screen.
    ShareRequested {
        /// Who asks.
        agent_name: String,
    },
}

/// An agent asking to join, as the customer is shown it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequestView {
    /// The agent's handle in this session (`session::agent_handle`), what the answer names.
    pub agent: String,
    /// Their name.
    pub name: String,
    /// What they ask for.
    pub ask: Ask,
}

/// What someone waiting for the customer's consent asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// Another agent asks to join.
    Join,
    /// A supervisor asks to step in as an agent.
    StepIn,
    /// A supervisor asks to watch, read-only.
    Watch,
}

/// Where an agent's request to join stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// The customer has been asked; nothing of the page is sent until they allow it.
    Waiting,
    /// The customer allowed it; the page follows.
    Allowed,
    /// The customer said no; the connection closes.
    Denied,
}

impl Consent {
    /// The word sent to the agent's console.
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Waiting => "waiting",
            Consent::Allowed => "allowed",
            Consent::Denied => "denied",
        }
    }

    /// A sentence for the agent.
    pub fn describe(self) -> &'static str {
        match self {
            Consent::Waiting => {
                "Another agent is with this customer. They have been asked to let you join; you will see the page once they allow it."
            }
            Consent::Allowed => "The customer let you join; the page follows.",
            Consent::Denied => "The customer did not let you join this session.",
        }
    }
}
