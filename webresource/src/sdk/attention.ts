// What the customer's attention is on, and page state rrweb does not record, for the agent's
// mirror: the element that has focus, the element under the pointer (rrweb's hover needs its
// mouse-move events, which Duet does not record: the pointer has its own lane), and which
// popovers are open (`showPopover()` changes no attribute). Sent as an rrweb custom event
// (`ATTENTION_TAG`) naming rrweb node ids only, never content; `console/marks.ts` applies it.
//
// Sent when it changes, at most once a task, and again after each full snapshot once the agent
// has the elements (a slice may bring them later: looked at again every RETRY_MS until it does,
// RETRIES times).

import { record } from "@rrweb/record";
import { natives } from "../natives";
import { DUET_UI_SELECTOR } from "./masking";
import { EVENT_CUSTOM } from "../rrwebwords";

/** The custom event's tag (console/marks.ts reads it). */
export const ATTENTION_TAG = "duet-attention";
const RETRY_MS = 250;
const RETRIES = 40;

/** What the custom event carries: rrweb node ids, or null for none. */
export interface AttentionPayload {
  focus: number | null;
  hover: number | null;
  popovers: number[];
}

/** Follows focus, hover and open popovers, and tells the agent. */
export class Attention {
  #emit: (event: unknown) => void;
  #native = natives();
  #focus: Element | null = null;
  #hover: Element | null = null;
  #popovers = new Set<Element>();
  #last = "";
  #posted = false;
  #post = this.#native.taskPoster(() => this.#send());
  #retries = 0;
  #retrying = false;
  #running = false;

  /** `emit` sends one rrweb event. */
  constructor(emit: (event: unknown) => void) {
    this.#emit = emit;
    const listen = (type: string, handler: (event: Event) => void): void => this.#native.listen(document, type, handler, { capture: true, passive: true });
    listen("focusin", (event) => this.#set("focus", target(event)));
    listen("focusout", () => this.#set("focus", null));
    listen("pointerover", (event) => this.#set("hover", target(event)));
    listen("mouseover", (event) => this.#set("hover", target(event)));
    listen("pointerleave", () => this.#set("hover", null));
    // `toggle` does not bubble; a capturing listener on the document still hears it.
    listen("toggle", (event) => this.#toggled(target(event)));
  }

  /** Starts telling the agent (recording started). */
  start(): void {
    this.#running = true;
    this.#focus = deepActive();
    // Popovers opened before Duet listened (in the document; those in shadow roots from now on).
    for (const open of document.querySelectorAll(":popover-open")) this.#popovers.add(open);
    this.restart();
  }

  /** A full snapshot started: the agent's mirror is new, so everything is sent again. */
  restart(): void {
    this.#last = "";
    this.#retries = 0;
    this.#schedule();
  }

  /** Stops telling the agent. */
  stop(): void {
    this.#running = false;
  }

  #set(which: "focus" | "hover", element: Element | null): void {
    const shown = element !== null && element.closest(DUET_UI_SELECTOR) === null ? element : null;
    if (which === "focus") this.#focus = shown;
    else this.#hover = shown;
    this.#schedule();
  }

  #toggled(element: Element | null): void {
    if (element === null || !element.hasAttribute("popover")) return;
    if (element.matches(":popover-open")) this.#popovers.add(element);
    else this.#popovers.delete(element);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#posted || !this.#running) return;
    this.#posted = true;
    this.#post();
  }

  #send(): void {
    this.#posted = false;
    if (!this.#running) return;
    for (const popover of this.#popovers) if (!popover.isConnected) this.#popovers.delete(popover);
    const payload: AttentionPayload = { focus: idOf(this.#focus), hover: idOf(this.#hover), popovers: [...this.#popovers].map(idOf).filter((id): id is number => id !== null) };
    const missing = (this.#focus !== null && payload.focus === null) || (this.#hover !== null && payload.hover === null) || payload.popovers.length < this.#popovers.size;
    const text = `${payload.focus} ${payload.hover} ${payload.popovers.join()}`;
    if (text !== this.#last) {
      this.#last = text;
      this.#emit({ type: EVENT_CUSTOM, data: { tag: ATTENTION_TAG, payload }, timestamp: this.#native.dateNow() });
    }
    if (missing) this.#retry();
  }

  // An element a slice has not sent yet: look again soon.
  #retry(): void {
    if (this.#retrying || this.#retries >= RETRIES) return;
    this.#retrying = true;
    this.#retries += 1;
    this.#native.setTimeout(() => {
      this.#retrying = false;
      this.#schedule();
    }, RETRY_MS);
  }
}

// The innermost element an event is about, inside open shadow roots too.
function target(event: Event): Element | null {
  const first = event.composedPath()[0];
  return first instanceof Element ? first : null;
}

function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active === document.body ? null : active;
}

function idOf(element: Element | null): number | null {
  if (element === null) return null;
  const id = record.mirror.getId(element);
  return id > 0 && record.mirror.has(id) ? id : null;
}
