// Screen-share words of the wire protocol. The share frames and states are generated from the
// Rust types into ../protocol.gen.ts (`ShareState`, `ShareEnd` in src/engine/share/mod.rs,
// `IceServer` and the `share_*` and `signal` messages in src/web/protocol.rs); what is here is the
// browsers' own: the `signal` payloads, which Duet relays without reading.

export type { DisplaySurface, IceServer, ShareEnd, ShareState } from "../protocol.gen";

/** A WebRTC description or ICE candidate, relayed untouched by Duet. */
export type SignalData =
  | { description: RTCSessionDescriptionInit }
  | { candidate: RTCIceCandidateInit | null };

/** Inside co-browse, `signal` reaches everyone else in the session, so each payload says who
 * sent it and for whom (`to` null: everyone). `sharing` announces a sharer, `watch` asks it for an
 * offer; descriptions and candidates go to one peer. Duet relays all of it untouched. */
export type MeshSignal = { from: string; to: string | null; role: "agent" | "customer" } & (
  | { kind: "sharing" }
  | { kind: "watch" }
  | SignalData
);
