//! Who is told what when a session changes: the one place that turns what happened into the
//! notices each participant's connection receives.

use super::{Session, Sharer};
use crate::engine::actor::{AgentId, Role};
use crate::engine::event::{Change, Happened};
use crate::engine::ids::ConnId;
use crate::engine::notice::{Consent, Notice};
use crate::engine::room::Room;

/// Tells the participants what `happened` means for them, then the state if it changed.
pub(super) fn tell(session: &Session, happened: &[Happened], room: &mut Room) {
    let mut state_changed = false;
    for step in happened {
        match &step.change {
            Change::ControlRequested => {
                let agent_name = step.actor.name.clone().unwrap_or_default();
                room.notify_customer(Notice::ControlRequested { agent_name });
                state_changed = true;
            }
            Change::ShareRequested { .. } => {
                let agent_name = step.actor.name.clone().unwrap_or_default();
                room.notify_customer(Notice::ShareRequested { agent_name });
            }
            Change::ShareStarted { took_over_from, .. } => {
                if let Some(previous) = took_over_from {
                    let by_customer = session.sharer == Some(Sharer::Customer);
                    room.notify_agent(previous, Notice::ShareTakenOver { by_customer });
                }
                let sharer = session.sharer.as_ref().map(describe_sharer);
                room.notify_all(Notice::ScreenShown { sharer });
            }
            Change::ShareEnded { .. } => room.notify_all(Notice::ScreenShown { sharer: None }),
            Change::JoinAllowed { agent: who } | Change::WatchAllowed { supervisor: who } => {
                let role = asker(&step.change, who);
                room.release(&role);
                room.notify_role(&role, Notice::Consent(Consent::Allowed));
                room.notify_front(Notice::SnapshotNeeded);
                state_changed = true;
            }
            Change::JoinDenied { agent: who } | Change::WatchDenied { supervisor: who } => {
                let role = asker(&step.change, who);
                room.notify_role(&role, Notice::Consent(Consent::Denied));
                state_changed = true;
            }
            _ => state_changed = true,
        }
    }
    if state_changed {
        announce(session, room);
    }
}

/// Tells everyone in the session its current state.
pub(super) fn announce(session: &Session, room: &mut Room) {
    let notice = Notice::State {
        state: session.state,
        reason: session.end_reason,
        control: session.control,
        control_pending: session.control_request.is_some(),
        control_outcome: session.control_outcome,
        agents_connected: room.agents_connected(),
        customer_connected: room.customer_connected(),
        customer_tabs: room.customer_tabs(),
        viewers: room
            .viewing_agents()
            .iter()
            .map(|agent| session.agent_name(agent).to_owned())
            .collect(),
        watchers: room
            .watching_supervisors()
            .iter()
            .map(|supervisor| session.watcher_name(supervisor).to_owned())
            .collect(),
        join_requests: session.join_requests(),
        control_holder: session
            .control_holder
            .as_ref()
            .map(|agent| session.handle(agent)),
        control_asker: session
            .control_request
            .as_ref()
            .map(|request| session.handle(&request.agent)),
    };
    room.notify_all(notice);
}

/// The customer's page records only while someone watches: it starts (or, after a reload,
/// restarts) on this request, and agents wait for the fresh snapshot it sends. A customer tab
/// that is not in front waits; an agent who waits for consent hears only that they wait.
pub(super) fn greet(session: &Session, conn: ConnId, role: &Role, room: &mut Room) {
    match role {
        Role::Agent(agent) if session.is_waiting(agent) => {
            room.notify_role(role, Notice::Consent(Consent::Waiting));
        }
        Role::Supervisor(supervisor) if session.is_asking_to_watch(supervisor) => {
            room.notify_role(role, Notice::Consent(Consent::Waiting));
        }
        Role::Customer if !room.is_front(conn) => {}
        _ => room.request_snapshot(),
    }
}

/// The role of whoever the customer answered: a supervisor asking to watch, else an agent.
fn asker(change: &Change, who: &AgentId) -> Role {
    match change {
        Change::WatchAllowed { .. } | Change::WatchDenied { .. } => Role::Supervisor(who.clone()),
        _ => Role::Agent(who.clone()),
    }
}

fn describe_sharer(sharer: &Sharer) -> (&'static str, String) {
    match sharer {
        Sharer::Customer => ("customer", "The customer".to_owned()),
        Sharer::Agent { name, .. } => ("agent", name.clone()),
    }
}
