// The WebSocket wire protocol, mirrored from the Rust twin in src/web/protocol.rs.
// Change both together: field names are serde's snake_case, one JSON envelope per text frame,
// and one kind of binary frame, the customer's compressed page changes (below).

import { SHARE_SERVER_TYPES, type DisplaySurface, type IceServer, type ShareClientMsg, type ShareServerMsg } from "./share/protocol";

/** Where a session is in its life (src/engine/session.rs `State`). */
export type SessionState = "idle" | "active" | "ended";

/** Why a session ended (src/engine/session.rs `EndReason`). */
export type EndReason =
  | "customer_exit"
  | "agent_exit"
  | "interaction_ended"
  | "idle_expired"
  | "inactivity"
  | "agent_away";

/** Who sees the customer's page and points at it (src/engine/session.rs `ControlMode`). */
export type ControlMode = "pointer" | "write";

/** Which side a socket speaks for. */
export type Role = "customer" | "agent";

/** The tenant's masking and control policy (src/config.rs `PolicySettings`). */
export interface Policy {
  mask_selectors: string[];
  restricted_selectors: string[];
  private_by_default: boolean;
  allow_selectors: string[];
  /** Sites agents may open from the share menu; empty allows any. */
  share_sites?: string[];
  /** What a customer may share: `monitor`, `window`, `browser`. */
  allowed_surfaces?: DisplaySurface[];
}

/** The kinds of agent action (`ActionKind`). */
export type ActionKind = "click" | "input" | "key" | "scroll" | "select" | "navigate";

/** What an agent asks the customer's page to do (`AgentAction`); the customer's script decides. */
export interface AgentAction {
  kind: ActionKind;
  /** rrweb node id of the target, when the agent's view knows it. */
  id?: number;
  /** Fallback target, in the customer's viewport CSS pixels. */
  x?: number;
  y?: number;
  /** Text typed, option value chosen, or URL to go to. */
  value?: string;
  /** Key name for `key` actions (e.g. `Enter`, `Tab`). */
  key?: string;
  /** Scroll distance. */
  dx?: number;
  dy?: number;
}

/** What a browser sends to Duet (`ClientMsg`) in text frames. `events` is an rrweb event array;
 * the customer's script sends page changes as binary `dom` frames instead (`DOM_FLAG_FULL`). */
export type ClientMsg =
  | ShareClientMsg
  | { type: "hello"; token: string }
  | { type: "dom"; full: boolean; events: unknown[] }
  | { type: "pointer"; x: number; y: number }
  | { type: "end" }
  | { type: "ping" }
  | { type: "control_request" }
  | { type: "control_answer"; approved: boolean }
  | { type: "control_revoke" }
  | { type: "action"; action: AgentAction }
  /** Inside co-browse, either side: start showing my screen (an agent takes over from another). */
  | { type: "share_start" }
  /** Inside co-browse: stop showing my screen; the co-browse goes on. */
  | { type: "share_stop" }
  /** Inside co-browse, agent only: ask the customer to show their screen. */
  | { type: "share_request" };

/** How the last control request or grant ended (`ControlOutcome` in src/engine/session.rs). */
export type ControlOutcome = "approved" | "denied" | "lapsed" | "revoked";

/** What Duet sends to a browser (`ServerMsg`). */
export type ServerMsg =
  | ShareServerMsg
  | { type: "welcome"; session_id: string; role: Role; policy: Policy; ice_servers?: IceServer[]; max_message_bytes?: number }
  | {
      type: "state";
      state: SessionState;
      reason: EndReason | null;
      message: string;
      control: ControlMode;
      control_pending: boolean;
      control_outcome: ControlOutcome | null;
      agents: number;
    }
  | { type: "control_requested"; agent_name: string; expires_in_ms: number }
  | { type: "action"; action: AgentAction }
  /** Inside co-browse: who shows their screen now (null when nobody does). */
  | { type: "screen_shown"; sharer: Role | null; name: string | null }
  /** To an agent whose screen share another agent (or the customer) took over. */
  | { type: "share_taken_over"; message: string }
  /** To the customer inside co-browse: an agent asks to see the customer's screen. */
  | { type: "share_requested"; agent_name: string }
  | { type: "dom"; full: boolean; events: unknown[] }
  | { type: "pointer"; from: Role; x: number; y: number }
  | { type: "snapshot_needed" }
  | { type: "pong" }
  | { type: "error"; message: string };

/**
 * Binary `dom` frames (`binary_dom_full` in src/web/protocol.rs): the customer's script sends each
 * batch of rrweb events as one binary frame instead of a `dom` envelope.
 * - byte 0: flags; bit 0 (`DOM_FLAG_FULL`) marks a batch that starts with a full snapshot, bits 1-7 are 0.
 * - bytes 1..: raw DEFLATE of `JSON.stringify(events)`, from one deflate stream per connection,
 *   sync-flushed after each batch with the trailing `00 00 ff ff` left out (as in RFC 7692).
 * The stream starts afresh at every full batch, so a reader can start at any full frame: it
 * starts a new inflater there, appends `SYNC_FLUSH_TAIL` to bytes 1.. and inflates.
 * Duet relays the frame to agents byte for byte, with the same full-snapshot rule as `dom`.
 */
export const DOM_FLAG_FULL = 0b0000_0001;
/** What a sync flush ends with; left out on the wire, put back before inflating. */
export const SYNC_FLUSH_TAIL: Uint8Array<ArrayBuffer> = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** WebSocket close codes (`close` module in the Rust file). */
export const CLOSE_SESSION_ENDED = 4000;
export const CLOSE_UNAUTHORIZED = 4001;
export const CLOSE_PROTOCOL = 4002;
export const CLOSE_TOO_SLOW = 4008;

const SERVER_TYPES: ReadonlySet<string> = new Set([
  ...SHARE_SERVER_TYPES,
  "welcome",
  "state",
  "dom",
  "pointer",
  "snapshot_needed",
  "control_requested",
  "action",
  "screen_shown",
  "share_taken_over",
  "share_requested",
  "pong",
  "error",
]);

/** Parses one text frame from Duet, or returns null when it is not a known envelope. */
export function parseServerMsg(text: string): ServerMsg | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" && SERVER_TYPES.has(type) ? (value as ServerMsg) : null;
}
