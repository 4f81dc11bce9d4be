// Generated from src/web/protocol.rs by `cargo test` (ts-rs). Do not edit: run `DUET_WRITE_PROTOCOL=1 cargo test --lib protocol_ts` to regenerate.
// Each type names the Rust file it comes from; the browser-side helpers are in protocol.ts.

// `ClientMsg` in src/web/protocol.rs
/** What a browser sends to Duet. Parse with [`ClientMsg::parse`]. */
export type ClientMsg =
  | {
      "type": "hello";
      /** The signed session token. */
      token: string;
    }
  | {
      "type": "dom";
      /** True when the batch starts with a full snapshot (Meta + FullSnapshot). */
      full: boolean;
      /** The rrweb events, as JSON, untouched. */
      events: unknown[];
    }
  | {
      "type": "pointer";
      /** Horizontal position. */
      x: number;
      /** Vertical position. */
      y: number;
    }
  | { "type": "end" }
  | { "type": "ping" }
  | { "type": "control_request" }
  | {
      "type": "control_answer";
      /** True lets the agent act on the page. */
      approved: boolean;
    }
  | { "type": "control_revoke" }
  | {
      "type": "join_answer";
      /** The agent's handle, from the `state` message's `join_requests`. */
      agent: string;
      /** True lets the agent see the page. */
      approved: boolean;
    }
  | {
      "type": "action";
      /** What to do, and where. */
      action: AgentAction;
    }
  | {
      "type": "annotate";
      /** What to show. */
      annotation: Annotation;
    }
  | { "type": "front" }
  | { "type": "share_accept" }
  | { "type": "share_connected" }
  | { "type": "share_start" }
  | { "type": "share_stop" }
  | { "type": "share_request" }
  | {
      "type": "signal";
      /** The signalling payload. */
      data: unknown;
    };

// `ServerMsg` in src/web/protocol.rs
/** What Duet sends to a browser. */
export type ServerMsg =
  | {
      "type": "welcome";
      /** The session id (or the screen share's id). */
      session_id: string;
      /** `customer` or `agent`. */
      role: Role;
      /** Masking and control rules the customer's script applies. */
      policy: PolicySettings;
      /** STUN/TURN servers for screen sharing inside the session. */
      ice_servers: Array<IceServer>;
      /** The largest frame Duet accepts, in bytes; a larger page snapshot cannot be shared. */
      max_message_bytes: number;
      /**
       * Where the mirror loads the page's assets (`/page-assets/{session}/{key}`), for those
       * who see the page; absent for the customer and screen shares.
       */
      page_assets?: string;
    }
  | {
      "type": "state";
      /** idle, active or ended. */
      state: State;
      /** Why it ended, once it has. */
      reason: EndReason | null;
      /** A sentence for people about the change. */
      message: string;
      /** pointer or write. */
      control: ControlMode;
      /** Whether an agent's control request waits for the customer. */
      control_pending: boolean;
      /** How the last control request or grant ended: approved, denied, lapsed or revoked. */
      control_outcome: ControlOutcome | null;
      /** How many agent consoles that can see the page are connected. */
      agents: number;
      /** How many of the customer's tabs are connected (agents see the one in front). */
      customer_tabs: number;
      /** The names of the agents who can see the page now. */
      viewers: Array<string>;
      /** The names of the supervisors watching now, read-only (the customer is told). */
      watchers: Array<string>;
      /** Agents asking to join, waiting for the customer's answer. */
      join_requests: Array<JoinRequest>;
      /** The handle of the agent in control (write mode); actions from anyone else are ignored. */
      control_holder: string | null;
      /** The handle of the agent whose control request waits for the customer. */
      control_asker: string | null;
    }
  | {
      "type": "consent";
      /** Where the request stands. */
      state: ConsentState;
      /** A sentence for the agent. */
      message: string;
    }
  | {
      "type": "control_requested";
      /** Who asks. */
      agent_name: string;
      /** How long the customer has to answer, in milliseconds. */
      expires_in_ms: number;
    }
  | {
      "type": "action";
      /** The sender's handle. */
      from: string;
      /** The action. */
      action: AgentAction;
    }
  | {
      "type": "annotate";
      /** The sender's handle. */
      from: string;
      /** What to show. */
      annotation: Annotation;
    }
  | {
      "type": "share_state";
      /** pending, accepted, live or ended. */
      state: ShareState;
      /** Why it ended, once it has. */
      reason: ShareEnd | null;
      /** A sentence for people. */
      message: string;
      /** The agent who asked, shown to the customer. */
      agent_name: string;
    }
  | {
      "type": "screen_shown";
      /** `customer`, `agent`, or null when nobody shares. */
      sharer: Role | null;
      /** The sharer's name. */
      name: string | null;
    }
  | {
      "type": "share_taken_over";
      /** A sentence for people. */
      message: string;
    }
  | {
      "type": "share_requested";
      /** Who asks. */
      agent_name: string;
    }
  | {
      "type": "signal";
      /** The payload. */
      data: unknown;
    }
  | {
      "type": "dom";
      /** True when the batch starts with a full snapshot. */
      full: boolean;
      /** The rrweb events, untouched. */
      events: unknown[];
    }
  | {
      "type": "pointer";
      /** `customer` or `agent`. */
      from: Role;
      /** Horizontal position. */
      x: number;
      /** Vertical position. */
      y: number;
    }
  | { "type": "snapshot_needed" }
  | {
      "type": "standby";
      /** A sentence for the customer. */
      message: string;
    }
  | {
      "type": "tab_switched";
      /** How many of the customer's tabs are connected now. */
      tabs: number;
      /** A sentence for the agent. */
      message: string;
    }
  | { "type": "pong" }
  | {
      "type": "error";
      /** A sentence for people. */
      message: string;
    };

// `AgentAction` in src/web/action.rs
/** What an agent asks the customer's page to do; the customer's script decides whether it may. */
export type AgentAction = {
  /** The kind of action. */
  kind: ActionKind;
  /** The rrweb node id of the target, when the agent's view knows it. */
  id?: number;
  /** Horizontal position in the customer's viewport CSS pixels (the fallback target). */
  x?: number;
  /** Vertical position in the customer's viewport CSS pixels. */
  y?: number;
  /** Text typed, option chosen, or URL to navigate to. */
  value?: string;
  /** A key name, for `key` actions (e.g. `Enter`, `Tab`). */
  key?: string;
  /** Scroll distance, horizontal. */
  dx?: number;
  /** Scroll distance, vertical. */
  dy?: number;
};

// `ActionKind` in src/web/action.rs
/** The kinds of agent action. */
export type ActionKind = "click" | "input" | "key" | "scroll" | "select" | "navigate";

// `Annotation` in src/web/annotation.rs
/** One annotation. */
export type Annotation =
  | {
      "kind": "highlight";
      /** The annotation's id, chosen by the agent's console. */
      id: number;
      /** The rrweb node id of the element. */
      node: number;
      /** Stays until cleared instead of fading. */
      pinned?: boolean;
    }
  | {
      "kind": "stroke";
      /** The annotation's id, chosen by the agent's console; the same for every message of a stroke. */
      id: number;
      /** A freehand line through the points, or the rectangle they span (the latest message says). */
      shape: StrokeShape;
      /** The points as `x, y, x, y, …`: point number `offset` of the stroke and the ones after it. */
      points: Array<number>;
      /**
       * Where these points go in the stroke: absent (0) starts the stroke, replacing one of the
       * same id; otherwise they replace the stroke's points from this index on.
       */
      offset?: number;
      /** Stays until cleared instead of fading. */
      pinned?: boolean;
    }
  | { "kind": "clear" };

// `StrokeShape` in src/web/annotation.rs
/** How a stroke's points are drawn. */
export type StrokeShape = "free" | "rect";

// `IceServer` in src/web/protocol.rs
/** One entry of `RTCConfiguration.iceServers`. */
export type IceServer = {
  /** A STUN or TURN URL. */
  urls: string;
};

// `JoinRequest` in src/web/protocol.rs
/** An agent asking to join, as the customer's widget shows it. */
export type JoinRequest = {
  /** The agent's handle, to name in `join_answer`. */
  agent: string;
  /** Their name. */
  name: string;
  /** What they ask: to join as an agent, to step in (a supervisor) or to watch (a supervisor). */
  ask: Ask;
};

// `Ask` in src/engine/notice.rs
/** What someone waiting for the customer's consent asks for. */
export type Ask = "join" | "step_in" | "watch";

// `State` in src/engine/session/kinds.rs
/** Where a session is in its life. */
export type State = "idle" | "active" | "ended";

// `EndReason` in src/engine/session/kinds.rs
/** Why a session ended. */
export type EndReason = "customer_exit" | "agent_exit" | "interaction_ended" | "idle_expired" | "inactivity" | "agent_away";

// `ControlMode` in src/engine/session/kinds.rs
/** Who sees the customer's page and points at it. */
export type ControlMode = "pointer" | "write";

// `ControlOutcome` in src/engine/session/kinds.rs
/** How the last control request or grant ended, so agents can be told why. */
export type ControlOutcome = "approved" | "denied" | "lapsed" | "revoked";

// `ShareState` in src/engine/share/mod.rs
/** Where a screen share is in its life. */
export type ShareState = "pending" | "accepted" | "live" | "ended";

// `ShareEnd` in src/engine/share/mod.rs
/** Why a screen share ended. */
export type ShareEnd = "expired" | "agent_stopped" | "customer_stopped" | "interaction_ended" | "abandoned";

// `PolicySettings` in src/config/policy.rs
/** The tenant's masking and control policy, pushed to the customer's script. */
export type PolicySettings = {
  /** CSS selectors whose values are masked (`DUET_MASK_SELECTORS`); passwords always are. */
  mask_selectors: Array<string>;
  /**
   * CSS selectors where Duet's own guesses (card, security code, IBAN, national id and PIN
   * fields, card numbers and IBANs in values and text) do not mask (`DUET_UNMASK_SELECTORS`,
   * also `data-duet-unmask`); passwords and `mask_selectors` stay masked.
   */
  unmask_selectors: Array<string>;
  /** CSS selectors the agent can never act on (`DUET_RESTRICTED_SELECTORS`). */
  restricted_selectors: Array<string>;
  /** Show only elements inside `data-duet-allow` or `allow_selectors` (`DUET_PRIVATE_BY_DEFAULT`). */
  private_by_default: boolean;
  /** Selectors shown when private by default (`DUET_ALLOW_SELECTORS`). */
  allow_selectors: Array<string>;
  /** Sites agents may open from the share menu and bookmark (`DUET_SHARE_SITES`); empty allows any. */
  share_sites: Array<string>;
  /** What a customer may share: `monitor`, `window`, `browser` (`DUET_ALLOWED_SURFACES`). */
  allowed_surfaces: Array<DisplaySurface>;
  /**
   * Whether what agents see of each co-browse session is recorded for supervisors
   * (`DUET_RECORD_SESSIONS`); the customer's widget says so.
   */
  record_sessions: boolean;
  /**
   * Whether a supervisor asks the customer before watching a live session, with the prompt a
   * second agent gets (`DUET_WATCH_NEEDS_CONSENT`).
   */
  watch_needs_consent: boolean;
  /**
   * Whether agents may replay the tenant's recordings, their own sessions' included
   * (`DUET_AGENTS_SEE_RECORDINGS`); supervisors always may.
   */
  agents_see_recordings: boolean;
};

// `Role` in src/web/protocol_ts/words.rs
/**
 * Which side a socket speaks for: the `role`, `from` and `sharer` fields of `ServerMsg`, written
 * by `Role::kind` in src/engine/actor.rs.
 */
export type Role = "customer" | "agent" | "supervisor";

// `DisplaySurface` in src/web/protocol_ts/words.rs
/**
 * A surface `getDisplayMedia` reports: the entries of `PolicySettings::allowed_surfaces`, which
 * `check_surfaces` in src/config/mod.rs keeps to these.
 */
export type DisplaySurface = "monitor" | "window" | "browser";

// `ConsentState` in src/web/protocol_ts/words.rs
/**
 * Where an agent's request to join stands: the `state` of `ServerMsg::Consent`, written by
 * `Consent::as_str` in src/engine/room.rs.
 */
export type ConsentState = "waiting" | "allowed" | "denied";

// The WebSocket close codes: the `close` module in src/web/protocol.rs.
/** The session ended; the state message before it says why. */
export const CLOSE_SESSION_ENDED = 4000;
/** The first frame was not a valid `hello`. */
export const CLOSE_UNAUTHORIZED = 4001;
/** The connection fell too far behind; reconnect for a fresh snapshot. */
export const CLOSE_TOO_SLOW = 4008;
/** The place is taken: the customer's side of a screen share is already connected. */
export const CLOSE_OCCUPIED = 4009;
/** A frame broke the protocol (bad JSON, a binary frame on a screen share, too large). */
export const CLOSE_PROTOCOL = 4002;
/** The customer did not let this agent join. */
export const CLOSE_NOT_ALLOWED = 4003;
/** This node is stopping, or the session is held elsewhere now: reconnect (through the load balancer, to a node that holds it). */
export const CLOSE_MOVED = 4010;

// One sample of every message, as Rust writes it (src/web/protocol_ts/samples.rs): tsc checks each against
// the types above, so they cannot drift from what serde sends. Nothing imports them.
const CLIENT_MSG_SAMPLES = [
  {"type":"hello","token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln"},
  {"type":"dom","full":true,"events":[{"type":4,"data":{"href":"https://shop.example/"},"timestamp":1}]},
  {"type":"pointer","x":12.5,"y":300.0},
  {"type":"end"},
  {"type":"ping"},
  {"type":"control_request"},
  {"type":"control_answer","approved":true},
  {"type":"control_revoke"},
  {"type":"join_answer","agent":"3f2a9c01b7de","approved":false},
  {"type":"action","action":{"kind":"input","id":42,"x":10.5,"y":20.0,"value":"Ada","key":"Enter","dx":0.0,"dy":-120.0}},
  {"type":"annotate","annotation":{"kind":"highlight","id":1,"node":42,"pinned":true}},
  {"type":"front"},
  {"type":"share_accept"},
  {"type":"share_connected"},
  {"type":"share_start"},
  {"type":"share_stop"},
  {"type":"share_request"},
  {"type":"signal","data":{"candidate":null}},
] satisfies ClientMsg[];
const SERVER_MSG_SAMPLES = [
  {"type":"welcome","session_id":"123456789","role":"agent","policy":{"mask_selectors":["#card-number"],"unmask_selectors":["#gift-card-note"],"restricted_selectors":[],"private_by_default":false,"allow_selectors":[],"share_sites":["https://shop.example"],"allowed_surfaces":["monitor","window","browser"],"record_sessions":true,"watch_needs_consent":false,"agents_see_recordings":false},"ice_servers":[{"urls":"stun:stun.example.net:3478"}],"max_message_bytes":8388608,"page_assets":"/page-assets/123456789/3q2-7wEAAAAAAAAAAAAAAAAA"},
  {"type":"state","state":"ended","reason":"agent_away","message":"The agent left and did not come back in time.","control":"pointer","control_pending":false,"control_outcome":"revoked","agents":1,"customer_tabs":2,"viewers":["Dana"],"watchers":[],"join_requests":[{"agent":"3f2a9c01b7de","name":"Eli","ask":"join"}],"control_holder":"9d01c2aa5b33","control_asker":null},
  {"type":"consent","state":"waiting","message":"Waiting for the customer to let you in."},
  {"type":"control_requested","agent_name":"Dana","expires_in_ms":30000},
  {"type":"action","from":"9d01c2aa5b33","action":{"kind":"input","id":42,"x":10.5,"y":20.0,"value":"Ada","key":"Enter","dx":0.0,"dy":-120.0}},
  {"type":"annotate","from":"9d01c2aa5b33","annotation":{"kind":"stroke","id":2,"shape":"rect","points":[10.0,20.0,110.5,80.0],"offset":3,"pinned":true}},
  {"type":"share_state","state":"ended","reason":"abandoned","message":"The other side left and did not come back in time; the screen share ended.","agent_name":"Dana"},
  {"type":"screen_shown","sharer":"agent","name":"Dana"},
  {"type":"share_taken_over","message":"Another agent is sharing their screen now; yours is no longer shown."},
  {"type":"share_requested","agent_name":"Dana"},
  {"type":"signal","data":{"description":{"type":"offer","sdp":"v=0"}}},
  {"type":"dom","full":false,"events":[{"type":3,"data":{"source":0},"timestamp":2}]},
  {"type":"pointer","from":"agent","x":640.0,"y":12.25},
  {"type":"snapshot_needed"},
  {"type":"standby","message":"Your agent sees your other tab."},
  {"type":"tab_switched","tabs":2,"message":"The customer switched tabs."},
  {"type":"pong"},
  {"type":"error","message":"only an agent can do that"},
] satisfies ServerMsg[];
