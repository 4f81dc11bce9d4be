// One WebSocket to Duet: hello first, a bounded send queue, reconnect with back-off.

import {
  CLOSE_NOT_ALLOWED,
  CLOSE_SESSION_ENDED,
  CLOSE_TOO_SLOW,
  CLOSE_UNAUTHORIZED,
  parseServerMsg,
  type ClientMsg,
  type ServerMsg,
} from "./protocol";
import { SOCKET_OPEN, natives } from "./natives";
import { pointerFrame, readPointerFrame } from "./pointerframe";

/** First wait before reconnecting, doubled after each failure. */
export const RECONNECT_DELAY_MS = 250;
/** Longest wait between reconnect attempts. */
export const MAX_RECONNECT_DELAY_MS = 8_000;
/** How often an idle socket says it is alive. */
export const PING_INTERVAL_MS = 20_000;
/** Frames kept while the socket is closed or congested; older ones are dropped past this. */
export const MAX_QUEUED_FRAMES = 256;
/** Bytes kept in the queue (besides one full snapshot); past this the queue is dropped and the owner resyncs. */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Bytes the browser may hold unsent before frames wait in our queue instead. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How often a congested socket is checked for room. */
export const DRAIN_CHECK_MS = 50;

/** What the owner of a socket is told. */
export interface SocketEvents {
  /** A frame from Duet. */
  message(msg: ServerMsg): void;
  /** A binary frame from Duet (page changes, for an agent); ignored when absent. */
  binary?(bytes: Uint8Array): void;
  /** The socket opened and said hello; `again` is true after a reconnect. */
  open(again: boolean): void;
  /** Frames were dropped (queue full or reconnect): DOM state must be sent again in full. */
  lost(): void;
  /** The socket closed for good (session ended, token refused); it will not reconnect. */
  closed(code: number, reason: string): void;
}

/** A frame to send: a JSON envelope, or a binary `dom` frame. */
type Outgoing = string | Uint8Array<ArrayBuffer>;

/** One frame waiting to go out. */
interface Queued {
  data: Outgoing;
  size: number;
  kind: "full" | "dom" | "pointer" | "other";
}

function kindOf(msg: ClientMsg): Queued["kind"] {
  if (msg.type === "dom") return msg.full ? "full" : "dom";
  return msg.type === "pointer" ? "pointer" : "other";
}

/** A reconnecting socket that speaks Duet's protocol. */
export class DuetSocket {
  #url: string;
  #token: string;
  #events: SocketEvents;
  #ws: WebSocket | null = null;
  #queue: Queued[] = [];
  #queuedBytes = 0;
  /** Size of the full snapshot in the queue: it is allowed on top of MAX_QUEUED_BYTES. */
  #snapshotBytes = 0;
  #failures = 0;
  #opened = false;
  #stopped = false;
  #timer: number | null = null;
  #ping: number | null = null;
  /** The page's globals may be replaced or wrapped (natives.ts): the socket, its frames and the
   * token go only through untouched functions. */
  #native = natives();

  constructor(url: string, token: string, events: SocketEvents) {
    this.#url = url;
    this.#token = token;
    this.#events = events;
  }

  /** Opens the socket; reconnects on its own until stopped. */
  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  /** Closes for good. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
    if (this.#ws !== null) this.#native.socketClose(this.#ws, 1000, "done");
    this.#ws = null;
    this.#dropQueue();
  }

  /** Whether frames go out now rather than wait. */
  get isOpen(): boolean {
    return this.#ws !== null && this.#native.socketState(this.#ws) === SOCKET_OPEN;
  }

  /** Sends or queues one frame; returns false when it had to drop frames to stay bounded. */
  send(msg: ClientMsg): boolean {
    const text = this.#native.stringify(msg);
    return this.#send({ data: text, size: text.length, kind: kindOf(msg) });
  }

  /** Sends this side's pointer (an agent's may be a laser) as a binary pointer frame, latest-wins in the queue. */
  sendPointer(x: number, y: number, laser = false): boolean {
    const bytes = pointerFrame(x, y, laser);
    return this.#send({ data: bytes, size: bytes.byteLength, kind: "pointer" });
  }

  /** Sends or queues one binary `dom` frame (byte 0 bit 0: full snapshot), in order with the text ones. */
  sendBinary(bytes: Uint8Array<ArrayBuffer>): boolean {
    const full = ((bytes[0] ?? 0) & 1) === 1;
    return this.#send({ data: bytes, size: bytes.byteLength, kind: full ? "full" : "dom" });
  }

  #send(frame: Queued): boolean {
    // A full snapshot supersedes the page changes queued before it; the pointer is latest-wins.
    if (frame.kind === "full") this.#dropQueued((queued) => queued.kind === "full" || queued.kind === "dom");
    if (frame.kind === "pointer") this.#dropQueued((queued) => queued.kind === "pointer");
    if (this.#queue.length === 0 && this.#canSendNow() && this.#ws !== null) {
      this.#native.socketSend(this.#ws, frame.data);
      return true;
    }
    return this.#enqueue(frame);
  }

  #canSendNow(): boolean {
    const ws = this.#ws;
    return ws !== null && this.#native.socketState(ws) === SOCKET_OPEN && this.#native.socketBuffered(ws) <= MAX_BUFFERED_BYTES;
  }

  // A full snapshot is never refused for its size: `lost` asks for a new snapshot, which would
  // be refused in turn, synchronously and forever (a page whose snapshot exceeds the budget froze).
  #enqueue(frame: Queued): boolean {
    const overflow = this.#queue.length >= MAX_QUEUED_FRAMES || this.#queuedBytes + frame.size > MAX_QUEUED_BYTES + this.#snapshotBytes;
    if (overflow && frame.kind !== "full") {
      this.#dropQueue();
      this.#events.lost();
      return false;
    }
    this.#queue.push(frame);
    this.#queuedBytes += frame.size;
    if (frame.kind === "full") this.#snapshotBytes = frame.size;
    this.#scheduleDrain();
    return true;
  }

  #dropQueue(): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#snapshotBytes = 0;
  }

  #dropQueued(stale: (queued: Queued) => boolean): void {
    if (!this.#queue.some(stale)) return;
    this.#queue = this.#queue.filter((queued) => !stale(queued));
    this.#queuedBytes = this.#queue.reduce((sum, queued) => sum + queued.size, 0);
    this.#snapshotBytes = this.#queue.find((queued) => queued.kind === "full")?.size ?? 0;
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#canSendNow() && this.#ws !== null) {
      const frame = this.#queue.shift() as Queued;
      this.#queuedBytes -= frame.size;
      if (frame.kind === "full") this.#snapshotBytes = 0;
      this.#native.socketSend(this.#ws, frame.data);
    }
    if (this.#queue.length > 0) this.#scheduleDrain();
  }

  #scheduleDrain(): void {
    if (this.#timer !== null || !this.isOpen) return;
    this.#timer = this.#native.setTimeout(() => {
      this.#timer = null;
      this.#drain();
    }, DRAIN_CHECK_MS);
  }

  #connect(): void {
    const native = this.#native;
    let ws: WebSocket;
    try {
      ws = native.openSocket(this.#url);
    } catch {
      // The page's WebSocket gave no socket this time: try again later, as after a lost one.
      this.#retry(this.#backoff());
      return;
    }
    native.socketBinary(ws);
    this.#ws = ws;
    native.listen(ws, "open", () => this.#onOpen(ws));
    native.listen(ws, "message", (event) => this.#onMessage(event as MessageEvent));
    native.listen(ws, "close", (event) => this.#onClose(ws, event as CloseEvent));
  }

  #onOpen(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    this.#native.socketSend(ws, this.#native.stringify({ type: "hello", token: this.#token } satisfies ClientMsg));
    const again = this.#opened;
    this.#opened = true;
    if (again && this.#queue.length > 0) {
      // Batches queued before the drop are stale: the owner sends a full snapshot instead.
      this.#dropQueue();
      this.#events.lost();
    }
    this.#ping = this.#native.setInterval(() => this.send({ type: "ping" }), PING_INTERVAL_MS);
    this.#events.open(again);
    this.#drain();
  }

  #onMessage(event: MessageEvent): void {
    if (event.data instanceof ArrayBuffer) {
      const bytes = new Uint8Array(event.data);
      const pointer = readPointerFrame(bytes);
      if (pointer !== null) this.#events.message(pointer);
      else this.#events.binary?.(bytes);
      return;
    }
    if (typeof event.data !== "string") return;
    const msg = parseServerMsg(event.data, this.#native.parse);
    if (msg === null) return;
    if (msg.type === "welcome") this.#failures = 0;
    this.#events.message(msg);
  }

  #onClose(ws: WebSocket, event: CloseEvent): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#clearTimers();
    if (this.#stopped) return;
    if (event.code === CLOSE_SESSION_ENDED || event.code === CLOSE_UNAUTHORIZED || event.code === CLOSE_NOT_ALLOWED) {
      this.#stopped = true;
      this.#dropQueue();
      this.#events.closed(event.code, event.reason);
      return;
    }
    this.#retry(event.code === CLOSE_TOO_SLOW ? 0 : this.#backoff());
  }

  #retry(delay: number): void {
    this.#timer = this.#native.setTimeout(() => {
      this.#timer = null;
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  #backoff(): number {
    const delay = Math.min(RECONNECT_DELAY_MS * 2 ** this.#failures, MAX_RECONNECT_DELAY_MS);
    this.#failures += 1;
    return delay;
  }

  #clearTimers(): void {
    if (this.#timer !== null) this.#native.clearTimeout(this.#timer);
    if (this.#ping !== null) this.#native.clearInterval(this.#ping);
    this.#timer = null;
    this.#ping = null;
  }
}

/** The WebSocket address for an HTTP origin. */
export function socketUrl(origin: string): string {
  return origin.replace(/^http/, "ws") + "/api/ws";
}
