//! Sessions and their rules, independent of transport: ids, state machines, timers, the
//! one-per-agent registry and the tenant policy. Knows nothing of HTTP or WebSockets.
