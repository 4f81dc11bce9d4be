// Screen-share frames of the wire protocol, mirrored from src/web/protocol.rs (ClientMsg and
// ServerMsg's share variants) and src/engine/screenshare.rs. Change both together.

/** Where a screen share is in its life (`ShareState`). */
export type ShareState = "pending" | "accepted" | "live" | "ended";

/** Why a screen share ended (`ShareEnd`). */
export type ShareEnd = "expired" | "agent_stopped" | "customer_stopped" | "interaction_ended";

/** What the browser reports as the chosen surface; the tenant allows some (`PolicySettings.allowed_surfaces`). */
export type DisplaySurface = "monitor" | "window" | "browser";

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

/** Share frames a browser sends. */
export type ShareClientMsg =
  | { type: "share_accept" }
  | { type: "share_connected" }
  | { type: "signal"; data: SignalData | MeshSignal };

/** Share frames Duet sends. */
export type ShareServerMsg =
  | { type: "share_state"; state: ShareState; reason: ShareEnd | null; message: string; agent_name: string }
  | { type: "signal"; data: SignalData };

/** Types of the share frames Duet sends, for the frame parser. */
export const SHARE_SERVER_TYPES = ["share_state", "signal"] as const;

/** `RTCConfiguration.iceServers` as the share API returns it (`IceServer` in src/web/api_share.rs). */
export interface IceServer {
  urls: string;
}

/** The welcome's policy, as far as a screen share reads it. */
export interface SharePolicy {
  allowed_surfaces?: DisplaySurface[];
}
