//! A link: one connection's (or one forwarded request's) traffic between two nodes, a pair of
//! subjects under its session's, `duet.session.<session>.<link>.up` (caller to holder) and
//! `….down` (holder to caller). Each side numbers what it sends; a gap breaks the link.

use async_nats::{Client, Subscriber};
use futures_util::StreamExt;

use super::BusError;
use super::packet::{Broken, Joiner, Piece, Splitter};

/// Both halves of a link, and the node at its far end.
#[derive(Debug)]
pub struct Link {
    /// What this side sends.
    pub sender: LinkSender,
    /// What this side receives.
    pub receiver: LinkReceiver,
    /// The node at the far end.
    pub peer: String,
}

/// The sending half: numbers and splits pieces onto one subject.
#[derive(Debug)]
pub struct LinkSender {
    client: Client,
    subject: String,
    splitter: Splitter,
}

impl LinkSender {
    pub(super) fn new(client: Client, subject: String, max_payload: usize) -> Self {
        Self {
            client,
            subject,
            splitter: Splitter::new(max_payload),
        }
    }

    /// Publishes `piece` (in as many messages as the payload limit needs).
    pub async fn send(&mut self, piece: &Piece) -> Result<(), BusError> {
        for message in self.splitter.split(piece) {
            self.client
                .publish(self.subject.clone(), message)
                .await
                .map_err(|error| BusError::Failed(error.to_string()))?;
        }
        Ok(())
    }
}

/// The receiving half: joins one subject's messages back into pieces, in order.
#[derive(Debug)]
pub struct LinkReceiver {
    subscriber: Subscriber,
    joiner: Joiner,
}

impl LinkReceiver {
    pub(super) fn new(subscriber: Subscriber) -> Self {
        Self {
            subscriber,
            joiner: Joiner::default(),
        }
    }

    /// The next whole piece; `None` when the subscription ended; an error when a message went
    /// missing or was not a link's.
    pub async fn recv(&mut self) -> Option<Result<Piece, Broken>> {
        loop {
            let message = self.subscriber.next().await?;
            match self.joiner.take(&message.payload) {
                Ok(Some(piece)) => return Some(Ok(piece)),
                Ok(None) => continue,
                Err(broken) => return Some(Err(broken)),
            }
        }
    }
}

/// The subject of one direction of a link: `duet.session.<session>.<link>.<direction>`.
pub(super) fn subject(session: &str, link: &str, direction: &str) -> String {
    format!(
        "duet.session.{}.{}.{direction}",
        token(session),
        token(link)
    )
}

/// `text` as one subject token: the characters NATS gives meaning to become `_`.
pub(super) fn token(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '.' | '*' | '>' | ' ' | '\t' | '\r' | '\n' => '_',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_names_the_session_and_cannot_be_widened_by_its_words() {
        assert_eq!(
            subject("123456789", "abc", "up"),
            "duet.session.123456789.abc.up"
        );
        assert_eq!(
            subject("a.b>*", "c d", "down"),
            "duet.session.a_b__.c_d.down"
        );
    }
}
