// Marks in the mirror where the customer's attention is, from the customer script's attention
// events (sdk/attention.ts): the focused element gets `data-duet-focus`, the element under the
// customer's pointer `data-duet-hover` (each outlined by MARK_STYLE_RULES), and the hovered
// element and its ancestors rrweb's `:hover` class, which the mirror's copy of the page's CSS
// matches wherever the page's rules say `:hover` (rrweb rewrites them when it rebuilds styles).
// Popovers the customer has open are opened with `showPopover()`, which no attribute says.
// Marks inside an open shadow root are outlined by a copy of the rules in that root.

import type { Replayer } from "@rrweb/replay";
import { EVENT_INCREMENTAL } from "../rrwebwords";

/** The custom event's tag (sdk/attention.ts). */
const ATTENTION_TAG = "duet-attention";
/** rrweb's class for a hovered element in the mirror's rewritten CSS. */
const HOVER_CLASS = ":hover";
/** Rules the mirror's document gets with each snapshot (rrweb's `insertStyleRules`). */
export const MARK_STYLE_RULES = [
  "[data-duet-focus] { outline: 2px solid #2563eb !important; outline-offset: 1px !important; }",
  "[data-duet-hover]:not([data-duet-focus], html, body) { outline: 1px dashed #db2777 !important; outline-offset: 1px !important; }",
];

/** What an attention event carries. */
interface AttentionPayload {
  focus: number | null;
  hover: number | null;
  popovers: number[];
}

/** Keeps the focus and hover marks and open popovers of one replayer's mirror. */
export class AttentionMarks {
  #replayer: Replayer;
  #focus: Element | null = null;
  #hover: Element | null = null;
  #hovered: Element[] = [];
  #popovers: Element[] = [];
  #styledRoots = new WeakSet<Node>();

  /** Listens to `replayer`'s custom events (in order with the page's other events). */
  constructor(replayer: Replayer) {
    this.#replayer = replayer;
    replayer.on("custom-event", (event) => this.#apply(event as { data?: { tag?: unknown; payload?: unknown } }));
    // A `class` the page sets on a hovered element replaces the whole attribute: `:hover` again.
    replayer.on("event-cast", (event) => {
      if ((event as { type?: unknown }).type === EVENT_INCREMENTAL) this.#keepHoverClass();
    });
  }

  #keepHoverClass(): void {
    for (const element of this.#hovered) if (!element.classList.contains(HOVER_CLASS)) element.classList.add(HOVER_CLASS);
  }

  #apply(event: { data?: { tag?: unknown; payload?: unknown } }): void {
    if (event.data?.tag !== ATTENTION_TAG) return;
    const payload = event.data.payload as Partial<AttentionPayload> | null;
    if (typeof payload !== "object" || payload === null) return;
    this.#focus = this.#mark("data-duet-focus", this.#focus, this.#element(payload.focus));
    this.#hover = this.#mark("data-duet-hover", this.#hover, this.#element(payload.hover));
    this.#hoverChain(this.#hover);
    this.#openPopovers(Array.isArray(payload.popovers) ? payload.popovers.map((id) => this.#element(id)) : []);
  }

  #element(id: unknown): Element | null {
    if (typeof id !== "number") return null;
    const found = this.#replayer.getMirror().getNode(id);
    // The node belongs to the frame's realm, where `instanceof Element` would be false.
    return found?.nodeType === Node.ELEMENT_NODE ? (found as Element) : null;
  }

  #mark(attribute: string, before: Element | null, now: Element | null): Element | null {
    if (before !== now) before?.removeAttribute(attribute);
    if (now !== null) {
      now.setAttribute(attribute, "");
      this.#styleShadowRoot(now);
    }
    return now;
  }

  // The document's rules do not reach into a shadow root: the first mark inside one gives it a
  // <style> of the same rules, after the page's nodes (rrweb places its own by id, so a node it
  // does not know at the end moves nothing).
  #styleShadowRoot(element: Element): void {
    const root = element.getRootNode();
    if (root.nodeType !== Node.DOCUMENT_FRAGMENT_NODE || this.#styledRoots.has(root)) return;
    this.#styledRoots.add(root);
    const style = element.ownerDocument.createElement("style");
    style.setAttribute("data-duet-marks", "");
    style.textContent = MARK_STYLE_RULES.join("\n");
    root.appendChild(style);
  }

  // rrweb's own hover: the element and each ancestor, across shadow roots, get `:hover`.
  #hoverChain(hovered: Element | null): void {
    for (const element of this.#hovered) element.classList.remove(HOVER_CLASS);
    this.#hovered = [];
    let at: Element | null = hovered;
    while (at !== null) {
      at.classList.add(HOVER_CLASS);
      this.#hovered.push(at);
      const root = at.parentNode;
      at = at.parentElement ?? (root !== null && root.nodeType === Node.DOCUMENT_FRAGMENT_NODE ? ((root as ShadowRoot).host ?? null) : null);
    }
  }

  #openPopovers(open: (Element | null)[]): void {
    const now = open.filter((element): element is HTMLElement => element !== null && "showPopover" in element);
    for (const element of this.#popovers) if (!now.includes(element as HTMLElement)) hidePopover(element as HTMLElement);
    for (const element of now) showPopover(element);
    this.#popovers = now;
  }
}

function showPopover(element: HTMLElement): void {
  try {
    if (!element.matches(":popover-open")) element.showPopover();
  } catch {
    // Not a popover (any more), or not connected: nothing to show.
  }
}

function hidePopover(element: HTMLElement): void {
  try {
    if (element.matches(":popover-open")) element.hidePopover();
  } catch {
    // Already gone.
  }
}
