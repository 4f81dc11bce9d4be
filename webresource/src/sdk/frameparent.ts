// The parent's side of cross-origin iframes in the recording: while the page is recorded (an
// agent watches), each cross-origin iframe is shown to the agent as a labelled placeholder of its
// size, and is invited to join; a child page running Duet's script that Duet lets join
// (`framechild.ts`) answers with a MessagePort and sends its own recording over it, which goes
// into this page's recording with rrweb's id mapping for cross-origin iframes.
//
// The invite carries nothing of the page and goes only to the origin the iframe's `src` names,
// and only once Duet vouched that origin is a website of this page's tenant (the same question a
// child asks about its parent): a frame of a stranger's origin, even one that speaks the protocol,
// is never invited and stays a placeholder. A join is accepted only from the window of an iframe
// invited in this recording, from the origin invited. Same-origin iframes need none of this:
// rrweb records their documents directly.

import { duetSnapshotHooks } from "@rrweb/record";
import { callApi } from "../api";
import { natives } from "../natives";
import { FRAME_INVITE, FRAME_JOIN, type ToChild, isFrameMessage } from "./framemessages";
import { EVENT_FULL_SNAPSHOT, EVENT_INCREMENTAL, NODE_DOCUMENT, NODE_ELEMENT, NODE_TEXT } from "../rrwebwords";

/** How the placeholder looks in the agent's mirror. */
const PLACEHOLDER_STYLE =
  "margin:0;height:100vh;display:flex;align-items:center;justify-content:center;text-align:center;" +
  "font:14px/1.4 system-ui,sans-serif;color:#444;background:repeating-linear-gradient(45deg,#eee 0 10px,#e4e4e4 10px 20px)";

/** An iframe invited in this recording, and the port of its child once it joined. */
interface Invited {
  iframe: HTMLIFrameElement;
  origin: string;
  port: MessagePort | null;
}

/** Asks Duet whether `origin` is a website of this page's tenant. */
export type Vouch = (origin: string) => Promise<boolean>;

/** Duet's answer to whether `other` is a website of the same tenant as this page (`tenant`, the
 * script tag's `data-tenant`); false when Duet refuses or cannot be reached. */
export function askDuet(duetOrigin: string, tenant: string | null): Vouch {
  return async (other) => {
    const body: Record<string, string> = { parent: other };
    if (tenant !== null) body["tenant"] = tenant;
    try {
      await callApi(duetOrigin, "/api/frames/parent", { body });
      return true;
    } catch {
      return false;
    }
  };
}

/** The cross-origin iframes of one recording. */
export class FrameParent {
  #vouch: Vouch;
  /** Duet's answers, by origin, for this recording. */
  #vouched = new Map<string, Promise<boolean>>();
  /** Invited iframes by their window (a join names its window as `event.source`). */
  #byWindow = new Map<Window, Invited>();
  /** The load listener on each iframe considered, removed when the recording stops. */
  #loads = new Map<HTMLIFrameElement, () => void>();
  #listening = false;
  #stopped = false;

  /** `vouch` says which frames' origins may be invited. */
  constructor(vouch: Vouch) {
    this.#vouch = vouch;
  }

  /** For `duetSnapshotHooks.iframe`: rrweb serialized `iframe` (its element goes out in this task). */
  readonly seen = (iframe: HTMLIFrameElement): void => {
    if (this.#stopped || iframe.hasAttribute("data-duet-ui")) return;
    // After the task that sends the iframe's element: what is attached to it must come later.
    natives().setTimeout(() => this.#consider(iframe, false), 0);
  };

  /** Tells every joined child that the recording stopped, and forgets them. */
  stop(): void {
    this.#stopped = true;
    for (const invited of this.#byWindow.values()) {
      if (invited.port === null) continue;
      natives().portPost(invited.port, { type: "stop" } satisfies ToChild);
      natives().portClose(invited.port);
    }
    this.#byWindow.clear();
    for (const [iframe, onLoad] of this.#loads) natives().unlisten(iframe, "load", onLoad);
    this.#loads.clear();
    if (this.#listening) natives().unlisten(window, "message", this.#onMessage);
    this.#listening = false;
  }

  // `loaded`: the frame has a new document, whose script has not joined yet.
  #consider(iframe: HTMLIFrameElement, loaded: boolean): void {
    if (this.#stopped) return;
    if (!iframe.isConnected) return this.#forget(iframe); // rrweb tells again if it comes back.
    if (!this.#loads.has(iframe)) {
      // The child's script may not listen yet, the frame may still show its first about:blank
      // (an iframe the page just added), or it navigates: look again on each load.
      const onLoad = (): void => this.#consider(iframe, true);
      this.#loads.set(iframe, onLoad);
      natives().listen(iframe, "load", onLoad);
    }
    if (readable(iframe)) return;
    const child = iframe.contentWindow;
    const origin = originOf(iframe.src);
    if (child === null || origin === null) return;
    const known = this.#byWindow.get(child);
    if (!loaded && known !== undefined && known.port !== null && known.iframe === iframe) {
      // A new snapshot of this page: the child sends its page again, attached to the new element.
      natives().portPost(known.port, { type: "snapshot" } satisfies ToChild);
      return;
    }
    this.#placeholder(iframe, origin);
    let vouched = this.#vouched.get(origin);
    if (vouched === undefined) {
      vouched = this.#vouch(origin);
      this.#vouched.set(origin, vouched);
    }
    void vouched.then((trusted) => {
      if (trusted && !this.#stopped && iframe.isConnected && iframe.contentWindow === child) this.#invite(iframe, child, origin);
    });
  }

  #forget(iframe: HTMLIFrameElement): void {
    const onLoad = this.#loads.get(iframe);
    if (onLoad !== undefined) natives().unlisten(iframe, "load", onLoad);
    this.#loads.delete(iframe);
  }

  #invite(iframe: HTMLIFrameElement, child: Window, origin: string): void {
    if (!this.#listening) {
      natives().listen(window, "message", this.#onMessage);
      this.#listening = true;
    }
    const known = this.#byWindow.get(child);
    if (known?.port) natives().portClose(known.port);
    this.#byWindow.set(child, { iframe, origin, port: null });
    try {
      child.postMessage({ duet: FRAME_INVITE }, origin);
    } catch {
      // A window that is gone: nothing to invite.
    }
  }

  #onMessage = (event: MessageEvent): void => {
    if (!isFrameMessage(event.data, FRAME_JOIN) || event.source === null) return;
    const invited = this.#byWindow.get(event.source as Window);
    const port = event.ports[0];
    if (invited === undefined || invited.port !== null || event.origin !== invited.origin || port === undefined) return;
    invited.port = port;
    natives().portOnMessage(port, (message) => this.#fromChild(invited, message.data));
    natives().portPost(port, { type: "snapshot" } satisfies ToChild);
  };

  #fromChild(invited: Invited, data: unknown): void {
    const events = (data as { events?: unknown } | null)?.events;
    const put = duetSnapshotHooks.childEvent;
    if (this.#stopped || put === null || !Array.isArray(events) || !invited.iframe.isConnected) return;
    for (const event of events) {
      const type = (event as { type?: unknown } | null)?.type;
      // A child's page and its changes are all a parent takes from it (no custom or plugin
      // events, which rrweb passes through without mapping their ids).
      if (type === EVENT_FULL_SNAPSHOT || type === EVENT_INCREMENTAL) put(invited.iframe, event);
    }
  }

  // What the agent sees in the frame until (unless) its child joins: the origin, nothing else.
  #placeholder(iframe: HTMLIFrameElement, origin: string): void {
    duetSnapshotHooks.childEvent?.(iframe, {
      type: EVENT_FULL_SNAPSHOT,
      timestamp: natives().dateNow(),
      data: { node: placeholderDocument(`Content from ${origin} is not shared`), initialOffset: { top: 0, left: 0 } },
    });
  }
}

/** A serialized document showing `text` in the middle of the frame. */
function placeholderDocument(text: string): unknown {
  const text_ = { type: NODE_TEXT, textContent: text, id: 4 };
  const label = { type: NODE_ELEMENT, tagName: "p", attributes: { "data-duet-frame-placeholder": "" }, childNodes: [text_], id: 5 };
  const body = { type: NODE_ELEMENT, tagName: "body", attributes: { style: PLACEHOLDER_STYLE }, childNodes: [label], id: 3 };
  const html = { type: NODE_ELEMENT, tagName: "html", attributes: {}, childNodes: [body], id: 2 };
  return { type: NODE_DOCUMENT, childNodes: [html], id: 1 };
}

// Whether the parent can read the frame's document (same origin): rrweb records it itself.
function readable(iframe: HTMLIFrameElement): boolean {
  try {
    return iframe.contentDocument !== null;
  } catch {
    return false;
  }
}

/** The origin an http(s) URL names, or null (about:blank, data:, srcdoc). */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
  } catch {
    return null;
  }
}
