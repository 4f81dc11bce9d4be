//! The WebSocket close codes Duet uses, with their reasons (the browser's copy is generated).

/// The session ended; the state message before it says why.
pub const SESSION_ENDED: u16 = 4000;
/// The first frame was not a valid `hello`.
pub const UNAUTHORIZED: u16 = 4001;
/// The connection fell too far behind; reconnect for a fresh snapshot.
pub const TOO_SLOW: u16 = 4008;
/// The place is taken: the customer's side of a screen share is already connected.
pub const OCCUPIED: u16 = 4009;
/// A frame broke the protocol (bad JSON, a binary frame on a screen share, too large).
pub const PROTOCOL: u16 = 4002;
/// The customer did not let this agent join.
pub const NOT_ALLOWED: u16 = 4003;
/// This node is stopping, or the session is held elsewhere now: reconnect (through the load
/// balancer, to a node that holds it).
pub const MOVED: u16 = 4010;
