//! Reads a socket only after its own waker fired. A connection's loop `select!`s on its socket,
//! its session queue and the pointer slot, and `select!` polls every branch on every wake-up;
//! polling the socket when nothing arrived still costs tungstenite a read attempt and a 4 KiB
//! zero-fill of its read buffer (5 % of Duet's CPU in the relay bench). The gate skips those polls.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use axum::extract::ws::Message;

use super::socket::Socket;
use futures_util::Stream;
use futures_util::task::AtomicWaker;

/// Whether the socket's read side was woken since it last said "nothing yet", and the task to
/// wake when it is.
#[derive(Debug)]
pub(super) struct ReadGate {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl ReadGate {
    /// A gate that lets the first poll through.
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        })
    }
}

impl Wake for ReadGate {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

/// The next message from `socket`, polled only when `gate` says the socket woke.
pub(super) struct GatedRecv<'a> {
    pub(super) socket: &'a mut Socket,
    pub(super) gate: &'a Arc<ReadGate>,
}

impl Future for GatedRecv<'_> {
    type Output = Option<Result<Message, axum::Error>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.gate.task.register(cx.waker());
        if !self.gate.woken.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        let waker = Waker::from(Arc::clone(self.gate));
        let mut gated = Context::from_waker(&waker);
        match Pin::new(&mut *self.socket).poll_next(&mut gated) {
            Poll::Ready(item) => {
                // More frames may already be buffered: the next poll reads on.
                self.gate.woken.store(true, Ordering::Release);
                Poll::Ready(item)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
