// The browser functions Duet's code calls, as the browser made them, whatever the page did to its
// globals.
//
// Pages replace globals before Duet's script runs: frameworks (Zone.js wraps timers, listeners,
// MutationObserver, WebSocket, fetch), monitoring scripts (WebSocket.prototype.send, fetch, JSON),
// fake clocks, and rrweb's own fixtures (a MutationObserver that throws). Duet must neither break
// on them nor pass its frames, tokens or the customer's page through them. rrweb takes its
// MutationObserver from a fresh iframe; Duet does the same for everything it calls from the
// page's globals: one about:blank iframe, read once and removed, is a realm no page script has
// touched. Each function the page left as the browser made it (its source, read with the fresh
// realm's `Function.prototype.toString`, is the browser's `[native code]` under its own name) is
// used as it is; a replaced one is swapped for the fresh realm's, called on the page's own
// objects (`this` is the page's window, socket, port, storage or element), which Chromium runs
// after the frame is gone (e2e/realweb.test.mjs). WebKit does not run a removed frame's
// MutationObserver, so there the frame stays (hidden, marked as Duet's UI, which is never
// recorded) when anything was taken from it, as rrweb does.
//
// Constructors whose objects belong to the document that made them (WebSocket, MessageChannel)
// are the page's, as they were when Duet's script first ran (a wrapper usually returns the real
// object): Duet then drives those objects only through untouched methods and accessors, and
// schedules with timers when the page's MessageChannel gives no real channel. JavaScript's own
// objects (Array, Object, Promise, which `async` code uses without reading the global) and the
// DOM's node methods are out of this module's reach: a page that breaks those breaks itself.

/** What Duet's code calls instead of the page's globals. */
export interface Natives {
  /** The MutationObserver constructor; its observers watch the page's nodes. */
  MutationObserver: typeof MutationObserver;
  stringify(value: unknown): string;
  parse(text: string): unknown;
  setTimeout(task: () => void, ms: number): number;
  clearTimeout(id: number): void;
  setInterval(task: () => void, ms: number): number;
  clearInterval(id: number): void;
  requestAnimationFrame(task: () => void): number;
  queueMicrotask(task: () => void): void;
  /** `performance.now()`. */
  now(): number;
  /** `Date.now()`. */
  dateNow(): number;
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** `target.addEventListener`; `E` is the event type the listener expects for `type`. */
  listen<E extends Event = Event>(target: EventTarget, type: string, listener: (event: E) => void, options?: AddEventListenerOptions | boolean): void;
  unlisten<E extends Event = Event>(target: EventTarget, type: string, listener: (event: E) => void, options?: EventListenerOptions | boolean): void;
  encodeUtf8(text: string): Uint8Array;
  randomBytes(length: number): Uint8Array;
  /** SHA-256 of `bytes`; rejects where the page is no secure context (no `crypto.subtle`). */
  sha256(bytes: ArrayBuffer): Promise<ArrayBuffer>;
  storageGet(storage: Storage, key: string): string | null;
  storageSet(storage: Storage, key: string, value: string): void;
  storageRemove(storage: Storage, key: string): void;
  /** A WebSocket from the page's constructor as it was when this module first ran; throws when
   * that gives no real WebSocket. Use only `socket*` below on it. */
  openSocket(url: string): WebSocket;
  socketSend(socket: WebSocket, data: string | ArrayBufferLike | ArrayBufferView): void;
  socketClose(socket: WebSocket, code?: number, reason?: string): void;
  socketState(socket: WebSocket): number;
  socketBuffered(socket: WebSocket): number;
  socketBinary(socket: WebSocket): void;
  /** Runs `task` in a task of its own each time the returned function is called (a
   * MessageChannel, or a zero-delay timer when the page's gives none). */
  taskPoster(task: () => void): () => void;
  /** A MessageChannel's two ports, from the page's constructor; throws when it gives none. */
  openChannel(): [MessagePort, MessagePort];
  /** `port.postMessage(data)`. */
  portPost(port: MessagePort, data: unknown): void;
  /** Sets `port.onmessage` (which also starts the port). */
  portOnMessage(port: MessagePort, listener: ((event: MessageEvent) => void) | null): void;
  /** `port.close()`. */
  portClose(port: MessagePort): void;
}

/** `WebSocket.OPEN`. */
export const SOCKET_OPEN = 1;

let chosen: Natives | null = null;

/** The natives, taken the first time this is called (the customer's script calls it as it loads). */
export function natives(): Natives {
  chosen ??= take();
  return chosen;
}

type AnyFunction = (...args: never[]) => unknown;
type Realm = typeof globalThis & { Function: FunctionConstructor; Reflect: typeof Reflect };

/** The page's constructors, as Duet's script found them (they make objects of this document). */
const pageWebSocket = globalThis.WebSocket;
const pageMessageChannel = globalThis.MessageChannel;

function take(): Natives {
  const frame = openFrame();
  const fresh = frame?.contentWindow as Realm | null | undefined;
  let borrowed = false;
  const pick = <F extends AnyFunction>(page: F | undefined, clean: F | undefined, name: string): F => {
    if (fresh === null || fresh === undefined || clean === undefined) return page as F;
    if (page !== undefined && looksNative(fresh, page, name)) return page;
    borrowed = true;
    return clean;
  };
  const method = <F extends AnyFunction>(owner: string, name: string): F => {
    const ours = (globalThis as unknown as Record<string, { prototype: Record<string, F> } | undefined>)[owner]?.prototype[name];
    const theirs = (fresh as unknown as Record<string, { prototype: Record<string, F> } | undefined> | null | undefined)?.[owner]?.prototype[name];
    return pick(ours, theirs, name);
  };
  const accessor = (owner: string, name: string, kind: "get" | "set"): AnyFunction => {
    const describe = (realm: Realm | null | undefined): AnyFunction | undefined => {
      const proto = (realm as unknown as Record<string, { prototype: object } | undefined> | null | undefined)?.[owner]?.prototype;
      return proto === undefined ? undefined : (Object.getOwnPropertyDescriptor(proto, name)?.[kind] as AnyFunction | undefined);
    };
    return pick(describe(globalThis), describe(fresh), `${kind} ${name}`);
  };
  const global = <F extends AnyFunction>(name: string): F =>
    pick((globalThis as unknown as Record<string, F>)[name], (fresh as unknown as Record<string, F> | null | undefined)?.[name], name);

  const apply: typeof Reflect.apply = fresh?.Reflect.apply ?? Reflect.apply;
  const call = (fn: AnyFunction, self: unknown, ...args: unknown[]): unknown => apply(fn, self, args);
  const win = globalThis;

  const MutationObserverCtor = pick(globalThis.MutationObserver as unknown as AnyFunction, fresh?.MutationObserver as unknown as AnyFunction | undefined, "MutationObserver") as unknown as typeof MutationObserver;
  const json = { stringify: pick(JSON.stringify, fresh?.JSON.stringify, "stringify"), parse: pick(JSON.parse, fresh?.JSON.parse, "parse") };
  const timers = {
    setTimeout: global("setTimeout"),
    clearTimeout: global("clearTimeout"),
    setInterval: global("setInterval"),
    clearInterval: global("clearInterval"),
    requestAnimationFrame: global("requestAnimationFrame"),
    queueMicrotask: global("queueMicrotask"),
    fetch: global("fetch"),
  };
  const now = method("Performance", "now");
  const dateNow = pick(Date.now, fresh?.Date.now, "now");
  const addListener = method("EventTarget", "addEventListener");
  const removeListener = method("EventTarget", "removeEventListener");
  const TextEncoderCtor = pick(globalThis.TextEncoder as unknown as AnyFunction, fresh?.TextEncoder as unknown as AnyFunction | undefined, "TextEncoder") as unknown as typeof TextEncoder;
  const getRandomValues = method("Crypto", "getRandomValues");
  const digest = method("SubtleCrypto", "digest");
  const storage = { get: method("Storage", "getItem"), set: method("Storage", "setItem"), remove: method("Storage", "removeItem") };
  const socket = {
    send: method("WebSocket", "send"),
    close: method("WebSocket", "close"),
    state: accessor("WebSocket", "readyState", "get"),
    buffered: accessor("WebSocket", "bufferedAmount", "get"),
    binaryType: accessor("WebSocket", "binaryType", "set"),
  };
  const channel = {
    port1: accessor("MessageChannel", "port1", "get"),
    port2: accessor("MessageChannel", "port2", "get"),
    onmessage: accessor("MessagePort", "onmessage", "set"),
    post: method("MessagePort", "postMessage"),
    close: method("MessagePort", "close"),
  };
  closeFrame(frame, borrowed);

  const utf8 = new TextEncoderCtor();
  const natives: Natives = {
    MutationObserver: MutationObserverCtor,
    stringify: (value) => call(json.stringify, JSON, value) as string,
    parse: (text) => call(json.parse, JSON, text),
    setTimeout: (task, ms) => call(timers.setTimeout, win, task, ms) as number,
    clearTimeout: (id) => void call(timers.clearTimeout, win, id),
    setInterval: (task, ms) => call(timers.setInterval, win, task, ms) as number,
    clearInterval: (id) => void call(timers.clearInterval, win, id),
    requestAnimationFrame: (task) => call(timers.requestAnimationFrame, win, task) as number,
    queueMicrotask: (task) => void call(timers.queueMicrotask, win, task),
    now: () => call(now, performance) as number,
    dateNow: () => call(dateNow, Date) as number,
    fetch: (url, init) => call(timers.fetch, win, url, init) as Promise<Response>,
    listen: (target, type, listener, options) => void call(addListener, target, type, listener, options),
    unlisten: (target, type, listener, options) => void call(removeListener, target, type, listener, options),
    encodeUtf8: (text) => utf8.encode(text),
    randomBytes: (length) => call(getRandomValues, crypto, new Uint8Array(length)) as Uint8Array,
    sha256: async (bytes) => {
      if (globalThis.crypto?.subtle === undefined) throw new Error("no crypto.subtle outside a secure context");
      return (await call(digest, crypto.subtle, "SHA-256", bytes)) as ArrayBuffer;
    },
    storageGet: (store, key) => call(storage.get, store, key) as string | null,
    storageSet: (store, key, value) => void call(storage.set, store, key, value),
    storageRemove: (store, key) => void call(storage.remove, store, key),
    openSocket: (url) => {
      const made = new pageWebSocket(url);
      call(socket.state, made); // Throws unless the page's constructor gave a real WebSocket.
      return made;
    },
    socketSend: (ws, data) => void call(socket.send, ws, data),
    socketClose: (ws, code, reason) => void (code === undefined ? call(socket.close, ws) : call(socket.close, ws, code, reason)),
    socketState: (ws) => call(socket.state, ws) as number,
    socketBuffered: (ws) => call(socket.buffered, ws) as number,
    socketBinary: (ws) => void call(socket.binaryType, ws, "arraybuffer"),
    taskPoster: (task) => {
      try {
        const made = new pageMessageChannel();
        const [port1, port2] = [call(channel.port1, made), call(channel.port2, made)];
        call(channel.onmessage, port1, () => task());
        return () => void call(channel.post, port2, null);
      } catch {
        return () => void natives.setTimeout(task, 0);
      }
    },
    openChannel: () => {
      const made = new pageMessageChannel();
      return [call(channel.port1, made) as MessagePort, call(channel.port2, made) as MessagePort];
    },
    portPost: (port, data) => void call(channel.post, port, data),
    portOnMessage: (port, listener) => void call(channel.onmessage, port, listener),
    portClose: (port) => void call(channel.close, port),
  };
  return natives;
}

// A fresh same-origin realm, or null where the page allows none (a sandbox without same-origin).
function openFrame(): HTMLIFrameElement | null {
  try {
    const frame = document.createElement("iframe");
    frame.setAttribute("data-duet-ui", "");
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.style.display = "none";
    (document.body ?? document.documentElement).appendChild(frame);
    // Reading the frame's realm throws, or finds nothing, where the page allows no same-origin frame.
    if ((frame.contentWindow as Realm | null)?.Function === undefined) {
      frame.remove();
      return null;
    }
    return frame;
  } catch {
    return null;
  }
}

// Removed at once, except in WebKit when Duet uses what it gave (see the top of this file).
function closeFrame(frame: HTMLIFrameElement | null, borrowed: boolean): void {
  const agent = navigator.userAgent;
  const webkit = agent.includes("Safari") && !agent.includes("Chrome") && !agent.includes("Chromium");
  if (frame !== null && !(borrowed && webkit)) frame.remove();
}

// The browser's own function prints as `function name() { [native code] }` (Chromium on one
// line, Firefox over three); a bound function or a Proxy prints without its name.
function looksNative(fresh: Realm, fn: AnyFunction, name: string): boolean {
  try {
    const source = fresh.Reflect.apply(fresh.Function.prototype.toString, fn, []);
    return typeof source === "string" && source.replace(/\s+/g, " ") === `function ${name}() { [native code] }`;
  } catch {
    return false;
  }
}
