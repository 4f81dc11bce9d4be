//! The WebSocket endpoint `/api/ws`: the first frame says who the socket is, then a co-browse
//! or a screen-share connection serves it. What both share is in `wire`, `hello` and `gate`.

mod cobrowse;
mod gate;
mod hello;
mod notices;
mod roles;
mod share;
mod wire;

pub use cobrowse::{READ_BUFFER_BYTES, router};
