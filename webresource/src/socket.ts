// One WebSocket to Duet: hello first, a bounded send queue, reconnect with back-off.

import {
  CLOSE_SESSION_ENDED,
  CLOSE_TOO_SLOW,
  CLOSE_UNAUTHORIZED,
  parseServerMsg,
  type ClientMsg,
  type ServerMsg,
} from "./protocol";

/** First wait before reconnecting, doubled after each failure. */
export const RECONNECT_DELAY_MS = 250;
/** Longest wait between reconnect attempts. */
export const MAX_RECONNECT_DELAY_MS = 8_000;
/** How often an idle socket says it is alive. */
export const PING_INTERVAL_MS = 20_000;
/** Frames kept while the socket is closed or congested; older ones are dropped past this. */
export const MAX_QUEUED_FRAMES = 256;
/** Bytes kept in the queue; past this the queue is dropped and the owner resyncs. */
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

/** A frame waiting to go out: a JSON envelope, or a binary `dom` frame. */
type Outgoing = string | Uint8Array<ArrayBuffer>;

/** A reconnecting socket that speaks Duet's protocol. */
export class DuetSocket {
  #url: string;
  #token: string;
  #events: SocketEvents;
  #ws: WebSocket | null = null;
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  #failures = 0;
  #opened = false;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #ping: ReturnType<typeof setInterval> | null = null;

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
    this.#ws?.close(1000, "done");
    this.#ws = null;
    this.#dropQueue();
  }

  /** Whether frames go out now rather than wait. */
  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Sends or queues one frame; returns false when it had to drop frames to stay bounded. */
  send(msg: ClientMsg): boolean {
    return this.#send(JSON.stringify(msg));
  }

  /** Sends or queues one binary frame, in order with the text ones; false as for `send`. */
  sendBinary(bytes: Uint8Array<ArrayBuffer>): boolean {
    return this.#send(bytes);
  }

  #send(frame: Outgoing): boolean {
    if (this.#queue.length === 0 && this.#canSendNow()) {
      this.#ws?.send(frame);
      return true;
    }
    return this.#enqueue(frame);
  }

  #canSendNow(): boolean {
    const ws = this.#ws;
    return ws !== null && ws.readyState === WebSocket.OPEN && ws.bufferedAmount <= MAX_BUFFERED_BYTES;
  }

  #enqueue(frame: Outgoing): boolean {
    if (this.#queue.length >= MAX_QUEUED_FRAMES || this.#queuedBytes + sizeOf(frame) > MAX_QUEUED_BYTES) {
      this.#dropQueue();
      this.#events.lost();
      return false;
    }
    this.#queue.push(frame);
    this.#queuedBytes += sizeOf(frame);
    this.#scheduleDrain();
    return true;
  }

  #dropQueue(): void {
    this.#queue = [];
    this.#queuedBytes = 0;
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#canSendNow()) {
      const frame = this.#queue.shift() as Outgoing;
      this.#queuedBytes -= sizeOf(frame);
      this.#ws?.send(frame);
    }
    if (this.#queue.length > 0) this.#scheduleDrain();
  }

  #scheduleDrain(): void {
    if (this.#timer !== null || !this.isOpen) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#drain();
    }, DRAIN_CHECK_MS);
  }

  #connect(): void {
    const ws = new WebSocket(this.#url);
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    ws.addEventListener("open", () => this.#onOpen(ws));
    ws.addEventListener("message", (event) => this.#onMessage(event));
    ws.addEventListener("close", (event) => this.#onClose(ws, event));
  }

  #onOpen(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    ws.send(JSON.stringify({ type: "hello", token: this.#token } satisfies ClientMsg));
    const again = this.#opened;
    this.#opened = true;
    if (again && this.#queue.length > 0) {
      // Batches queued before the drop are stale: the owner sends a full snapshot instead.
      this.#dropQueue();
      this.#events.lost();
    }
    this.#ping = setInterval(() => this.send({ type: "ping" }), PING_INTERVAL_MS);
    this.#events.open(again);
    this.#drain();
  }

  #onMessage(event: MessageEvent): void {
    if (event.data instanceof ArrayBuffer) {
      this.#events.binary?.(new Uint8Array(event.data));
      return;
    }
    if (typeof event.data !== "string") return;
    const msg = parseServerMsg(event.data);
    if (msg === null) return;
    if (msg.type === "welcome") this.#failures = 0;
    this.#events.message(msg);
  }

  #onClose(ws: WebSocket, event: CloseEvent): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#clearTimers();
    if (this.#stopped) return;
    if (event.code === CLOSE_SESSION_ENDED || event.code === CLOSE_UNAUTHORIZED) {
      this.#stopped = true;
      this.#dropQueue();
      this.#events.closed(event.code, event.reason);
      return;
    }
    const delay = event.code === CLOSE_TOO_SLOW ? 0 : this.#backoff();
    this.#timer = setTimeout(() => {
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
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#ping !== null) clearInterval(this.#ping);
    this.#timer = null;
    this.#ping = null;
  }
}

/** Roughly what a queued frame weighs (UTF-16 length for text, bytes for binary). */
function sizeOf(frame: Outgoing): number {
  return typeof frame === "string" ? frame.length : frame.byteLength;
}

/** The WebSocket address for an HTTP origin. */
export function socketUrl(origin: string): string {
  return origin.replace(/^http/, "ws") + "/api/ws";
}
