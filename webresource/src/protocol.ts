// The browser's side of the WebSocket wire protocol (src/web/protocol.rs): one JSON envelope per
// text frame, and one kind of binary frame, the customer's compressed page changes (below).
// The message types are generated from the Rust types into protocol.gen.ts (never edit that file:
// its header says how to regenerate it); this file keeps what only the browser has: the shape of
// the `signal` payloads browsers send, the frame parser, and the binary frames' constants.

import type * as Wire from "./protocol.gen";
import type { MeshSignal, SignalData } from "./share/protocol";

export type {
  ActionKind,
  AgentAction,
  Annotation,
  ControlMode,
  ControlOutcome,
  EndReason,
  JoinRequest,
  PolicySettings as Policy,
  Role,
  ServerMsg,
  State as SessionState,
  StrokeShape,
} from "./protocol.gen";
export {
  CLOSE_NOT_ALLOWED,
  CLOSE_PROTOCOL,
  CLOSE_SESSION_ENDED,
  CLOSE_TOO_SLOW,
  CLOSE_UNAUTHORIZED,
} from "./protocol.gen";

/** `M` with the `signal` variant's `data` narrowed to `D`, every other variant as it is. */
type WithSignalData<M, D> = M extends { type: "signal" } ? Omit<M, "data"> & { data: D } : M;

/** What a browser sends to Duet (`ClientMsg` in src/web/protocol.rs) in text frames. Duet relays a
 * `signal` payload without reading it, so its shape is the browsers' own (share/protocol.ts); the
 * customer's script sends page changes as binary `dom` frames instead (`DOM_FLAG_FULL`). */
export type ClientMsg = WithSignalData<Wire.ClientMsg, SignalData | MeshSignal>;

/**
 * Binary `dom` frames (`DOM_FLAG_FULL` in src/web/binary.rs): the customer's script sends each
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

/** Every `type` Duet sends: a `Record` over the generated union, so tsc refuses a missing or an
 * unknown one. */
const SERVER_TYPES: Readonly<Record<Wire.ServerMsg["type"], true>> = {
  welcome: true,
  state: true,
  consent: true,
  control_requested: true,
  action: true,
  annotate: true,
  share_state: true,
  screen_shown: true,
  share_taken_over: true,
  share_requested: true,
  signal: true,
  dom: true,
  pointer: true,
  snapshot_needed: true,
  standby: true,
  tab_switched: true,
  pong: true,
  error: true,
};

/** Parses one text frame from Duet, or returns null when it is not a known envelope. `parse` is
 * the JSON parser to use (the customer's script passes the untouched one, natives.ts). */
export function parseServerMsg(text: string, parse: (text: string) => unknown = JSON.parse): Wire.ServerMsg | null {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" && Object.hasOwn(SERVER_TYPES, type) ? (value as Wire.ServerMsg) : null;
}
