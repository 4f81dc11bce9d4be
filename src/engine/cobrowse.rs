//! What only the co-browse registry does: customers start sessions, agents join (one live
//! co-browse each), find the pending session of a conversation, and ask for control or screens.

use super::actor::{AgentId, Role};
use super::cell::Cell;
use super::claim::Claim;
use super::clock::Timestamp;
use super::event::Change;
use super::ids::{SessionId, TenantId};
use super::registry::Registry;
use super::room::Frame;
use super::session::{
    ControlError, EndReason, JoinError, MAX_WATCHED, PairingKey, Rendezvous, Session, Sharer,
    State, Watch,
};
use super::sink::Unrecorded;

/// Every co-browse session this process holds.
pub type Sessions = Registry<Session>;

impl Registry<Session> {
    /// Starts an idle session for the customer, optionally linked to a conversation. The id is
    /// one the store has not seen: an id it still remembers is drawn again.
    pub async fn create(
        &self,
        tenant: TenantId,
        rendezvous: impl Into<Rendezvous>,
        now: Timestamp,
    ) -> Result<SessionId, Unrecorded> {
        let rendezvous = rendezvous.into();
        loop {
            let id = {
                let mut index = self.index();
                let id = SessionId::generate(|candidate| {
                    index.cells.contains_key(&candidate) || index.reserved.contains(&candidate)
                });
                index.reserved.insert(id);
                id
            };
            let (session, happened) = Session::start(id, tenant.clone(), rendezvous.clone(), now);
            match self.insert(session, happened, now).await {
                Ok(_) => return Ok(id),
                Err(Unrecorded::IdTaken) => continue,
                Err(refused) => return Err(refused),
            }
        }
    }

    /// Joins an agent of `tenant` to a session; an agent may be in one live co-browse at a time.
    /// Another tenant's session is as unknown to them as an id never drawn.
    pub async fn join(
        &self,
        id: SessionId,
        tenant: &TenantId,
        agent: &AgentId,
        name: &str,
        now: Timestamp,
    ) -> Result<Session, JoinError> {
        let cell = self.of_tenant(id, tenant).await?;
        self.claim(agent, id)?;
        let joined = cell
            .apply(
                &*self.sink,
                now,
                |session, room| Ok(((), session.join(agent, name, room.agents_connected(), now)?)),
                |session, _, ()| session.clone(),
            )
            .await;
        if joined.is_err() {
            self.unclaim(agent, id);
        }
        joined.map_err(busy_elsewhere)
    }

    /// Lets a supervisor of `tenant` watch a live session, read-only (recorded before they see
    /// anything), or asks the customer first when `needs_consent`. A supervisor watches at most
    /// [`MAX_WATCHED`] sessions at once. Another tenant's session is as unknown to them as an id
    /// never drawn.
    pub async fn watch(
        &self,
        id: SessionId,
        tenant: &TenantId,
        (supervisor, name): (&AgentId, &str),
        needs_consent: bool,
        now: Timestamp,
    ) -> Result<Watch, JoinError> {
        let cell = self.of_tenant(id, tenant).await?;
        if self.watched_elsewhere(supervisor, id) >= MAX_WATCHED {
            return Err(JoinError::WatchingEnough(MAX_WATCHED));
        }
        cell.apply(
            &*self.sink,
            now,
            |session, _| session.watch(supervisor, name, needs_consent, now),
            |_, _, watch| watch,
        )
        .await
    }

    /// A supervisor of `tenant` asks the customer to let them step in as an agent; they join as
    /// one once the customer allows it (the one-live-session rule holds for them too).
    pub async fn step_in(
        &self,
        id: SessionId,
        tenant: &TenantId,
        (supervisor, name): (&AgentId, &str),
        now: Timestamp,
    ) -> Result<Session, JoinError> {
        let cell = self.of_tenant(id, tenant).await?;
        self.claim(supervisor, id)?;
        let asked = cell
            .apply(
                &*self.sink,
                now,
                |session, _| Ok(((), session.step_in(supervisor, name, now)?)),
                |session, _, ()| session.clone(),
            )
            .await;
        if asked.is_err() {
            self.unclaim(supervisor, id);
        }
        asked.map_err(busy_elsewhere)
    }

    /// Session `id` when it is `tenant`'s; another tenant's is as unknown as an id never drawn.
    async fn of_tenant(
        &self,
        id: SessionId,
        tenant: &TenantId,
    ) -> Result<std::sync::Arc<Cell<Session>>, JoinError> {
        let cell = self.get(id).ok_or(JoinError::NotFound(id))?;
        if cell.state().await.tenant() != tenant {
            return Err(JoinError::NotFound(id));
        }
        Ok(cell)
    }

    /// The customer lets a waiting agent in, or turns them away (recorded before anyone is told).
    pub async fn answer_join(
        &self,
        cell: &Cell<Session>,
        handle: &str,
        approved: bool,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        let denied = cell
            .apply(
                &*self.sink,
                now,
                |session, _| {
                    let happened = session.answer_join(handle, approved, now)?;
                    let denied = happened.iter().find_map(|step| match &step.change {
                        Change::JoinDenied { agent } => Some(agent.clone()),
                        _ => None,
                    });
                    Ok::<_, ControlError>((denied, happened))
                },
                |_, _, denied| denied,
            )
            .await?;
        if let Some(agent) = denied {
            self.unclaim(&agent, cell.id());
        }
        Ok(())
    }

    /// `role` ends the session for everyone, if they may: an agent still waiting for consent
    /// only withdraws their request, and an agent who was turned away changes nothing.
    /// Returns whether the session ended.
    pub async fn end_by(
        &self,
        id: SessionId,
        role: &Role,
        reason: EndReason,
        now: Timestamp,
    ) -> bool {
        let Some(cell) = self.get(id) else {
            return false;
        };
        let session = cell.state().await;
        if let Role::Agent(agent) = role
            && !session.has_agent(agent)
        {
            if session.is_waiting(agent) {
                let withdrawn = self.change(&cell, now, |session| {
                    Ok::<_, Unrecorded>(session.withdraw_join(agent))
                });
                let _ = withdrawn.await;
                self.unclaim(agent, id);
            }
            return false;
        }
        self.end(id, reason, session.actor(role), now).await
    }

    /// Holds `agent` to `id` for the one-live-co-browse rule, unless they are in another.
    fn claim(&self, agent: &AgentId, id: SessionId) -> Result<(), JoinError> {
        let mut index = self.index();
        match index.live_by_agent.get(agent) {
            Some(&other) if other != id => Err(JoinError::AgentBusy(other)),
            _ => {
                index.live_by_agent.insert(agent.clone(), id);
                Ok(())
            }
        }
    }

    /// The newest idle session a customer of `tenant` started for this conversation.
    pub async fn pending_for_conversation(
        &self,
        tenant: &TenantId,
        conversation: &str,
    ) -> Option<SessionId> {
        self.newest_pending(tenant, |session| {
            session.conversation_id() == Some(conversation)
        })
        .await
    }

    /// The newest session of `tenant` no agent has joined yet that the customer's script
    /// started with this pairing key.
    pub async fn pending_for_pairing(
        &self,
        tenant: &TenantId,
        key: &PairingKey,
    ) -> Option<SessionId> {
        self.newest_pending(tenant, |session| session.paired_with(key))
            .await
    }

    async fn newest_pending(
        &self,
        tenant: &TenantId,
        found: impl Fn(&Session) -> bool,
    ) -> Option<SessionId> {
        let mut newest: Option<(Timestamp, SessionId)> = None;
        for cell in self.cells().into_iter().filter(|cell| cell.is_live()) {
            let session = cell.state().await;
            let pending =
                session.state() == State::Idle && session.tenant() == tenant && found(&session);
            if pending && newest.is_none_or(|(at, _)| session.created_at() > at) {
                newest = Some((session.created_at(), session.id()));
            }
        }
        newest.map(|(_, id)| id)
    }

    /// An agent asks for write mode; the customer is prompted and everyone sees it pending.
    pub async fn request_control(
        &self,
        cell: &Cell<Session>,
        agent: &AgentId,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        self.change(cell, now, |session| session.request_control(agent, now))
            .await
    }

    /// The customer approves or declines the pending request (recorded before anyone is told).
    pub async fn answer_control(
        &self,
        cell: &Cell<Session>,
        approved: bool,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        self.change(cell, now, |session| session.answer_control(approved, now))
            .await
    }

    /// Back to pointer mode: the customer takes control back, or the agent hands it back.
    pub async fn revoke_control(&self, cell: &Cell<Session>, by: &Role, now: Timestamp) {
        let revoked = self.change(cell, now, |session| {
            Ok::<_, Unrecorded>(session.revoke_control(by, now))
        });
        // Taking control away never waits for a record.
        let _ = revoked.await;
    }

    /// Forwards an agent's action to the customer's page, only in write mode.
    pub async fn forward_action(
        &self,
        cell: &Cell<Session>,
        from: &Role,
        frame: &Frame,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        forward_to_customer(cell, frame, now, |session| session.check_action(from)).await
    }

    /// Relays an agent's annotation to the customer when the agent may see the page.
    pub async fn forward_annotation(
        &self,
        cell: &Cell<Session>,
        from: &Role,
        frame: &Frame,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        forward_to_customer(cell, frame, now, |session| session.check_annotation(from)).await
    }

    /// Someone starts showing their screen inside the session; an agent sharing before is told.
    pub async fn start_share(
        &self,
        cell: &Cell<Session>,
        who: Sharer,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        self.change(cell, now, |session| session.start_share(who, now))
            .await
    }

    /// The sharer stops; the co-browse goes on.
    pub async fn stop_share(&self, cell: &Cell<Session>, who: &Sharer, now: Timestamp) {
        let stopped = self.change(cell, now, |session| {
            Ok::<_, Unrecorded>(session.stop_share(who, now))
        });
        let _ = stopped.await;
    }

    /// An agent asks the customer to show their screen (no key needed inside a session).
    pub async fn request_customer_share(
        &self,
        cell: &Cell<Session>,
        agent: &AgentId,
        now: Timestamp,
    ) -> Result<(), ControlError> {
        self.change(cell, now, |session| {
            session.request_customer_share(agent, now)
        })
        .await
    }
}

/// The store's refusal of an agent another live session holds (on this node or another) is the
/// same refusal this node's memory gives.
fn busy_elsewhere(error: JoinError) -> JoinError {
    match error {
        JoinError::Unrecorded(Unrecorded::Claimed {
            claim: Claim::Agent(_),
            holder,
        }) => holder
            .parse()
            .map_or(JoinError::Unrecorded(Unrecorded::StoreFailed), |other| {
                JoinError::AgentBusy(other)
            }),
        other => other,
    }
}

/// Sends `frame` to the customer's page when the session's rule `may` lets it pass.
async fn forward_to_customer(
    cell: &Cell<Session>,
    frame: &Frame,
    now: Timestamp,
    may: impl FnOnce(&Session) -> Result<(), ControlError>,
) -> Result<(), ControlError> {
    cell.inspect(|session, room| {
        may(session)?;
        session.touch(now);
        room.send_to_front(frame, now);
        Ok(())
    })
    .await
}
