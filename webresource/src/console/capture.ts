// In write mode, the agent's clicks, typing, keys and scrolling in the mirror become `action`
// frames addressed by rrweb node id, with viewport coordinates as the fallback. Nothing happens
// in the mirror itself: every default is prevented there; the customer's page answers instead.
// The mirror frame runs no scripts, but it is same-origin, so the console listens on its document.

import type { Replayer } from "@rrweb/replay";
import type { AgentAction } from "../protocol";
import { LatestPerFrame } from "../frame";

/** After the agent types in a field, the customer's echoes for that field are not applied for this
 * long, so a late echo of an older value cannot overwrite what the agent is typing. */
export const ECHO_HOLD_MS = 1_000;
/** rrweb's IncrementalSnapshot event type and its Input source. */
const RRWEB_INCREMENTAL = 3;
const RRWEB_SOURCE_INPUT = 5;

/** Keys sent as `key` actions; text itself goes as `input` actions with the field's value. */
const SENT_KEYS: ReadonlySet<string> = new Set(["Enter", "Tab", "Escape", "ArrowUp", "ArrowDown"]);

/** What the capture reports to the console. */
export interface CaptureEvents {
  action(action: AgentAction): void;
  pointer(x: number, y: number): void;
  /** The agent clicked a `<select>`: the console shows its choices. */
  choose(select: HTMLSelectElement, id: number): void;
}

/** Listens on the mirror's document while write mode is on. */
export class MirrorCapture {
  #events: CaptureEvents;
  #replayer: Replayer | null = null;
  #wired = new WeakSet<Element>();
  #write = false;
  #scroll = { dx: 0, dy: 0 };
  #editing = { id: -1, until: 0 };
  #flushScroll: LatestPerFrame<null>;

  constructor(events: CaptureEvents) {
    this.#events = events;
    this.#flushScroll = new LatestPerFrame(() => this.#sendScroll());
  }

  /** Whether the agent's input goes to the customer now. */
  get write(): boolean {
    return this.#write;
  }

  /** Turns write mode on or off for the current and later mirrors. */
  setWrite(write: boolean): void {
    this.#write = write;
    this.wire(this.#replayer);
  }

  /** Whether `event` is the customer's echo of a field the agent is typing in right now. */
  isEcho(event: unknown): boolean {
    if (!this.#write || Date.now() > this.#editing.until) return false;
    const { type, data } = event as { type?: number; data?: { source?: number; id?: number } };
    return type === RRWEB_INCREMENTAL && data?.source === RRWEB_SOURCE_INPUT && data.id === this.#editing.id;
  }

  /** Attaches to the replayer's document; call after each batch (a snapshot rebuilds the document). */
  wire(replayer: Replayer | null): void {
    this.#replayer = replayer;
    if (replayer === null) return;
    if (this.#write) replayer.enableInteract();
    else replayer.disableInteract();
    const doc = replayer.iframe.contentDocument;
    const root = doc?.documentElement;
    // document.open() during a snapshot erases listeners but keeps the Document: key on the root.
    if (doc === null || doc === undefined || root === undefined || root === null || this.#wired.has(root)) return;
    this.#wired.add(root);
    const options = { capture: true, passive: false };
    doc.addEventListener("mousemove", (e) => this.#write && this.#events.pointer(e.clientX, e.clientY), true);
    doc.addEventListener("mousedown", (e) => this.#onMouseDown(e), options);
    doc.addEventListener("click", (e) => this.#onClick(e), options);
    doc.addEventListener("auxclick", (e) => e.preventDefault(), options);
    doc.addEventListener("dblclick", (e) => e.preventDefault(), options);
    doc.addEventListener("dragstart", (e) => e.preventDefault(), options);
    doc.addEventListener("submit", (e) => e.preventDefault(), options);
    doc.addEventListener("input", (e) => this.#onInput(e), options);
    doc.addEventListener("keydown", (e) => this.#onKey(e), options);
    doc.addEventListener("wheel", (e) => this.#onWheel(e), options);
  }

  #id(node: EventTarget | null): number | undefined {
    const id = node !== null && this.#replayer !== null ? this.#replayer.getMirror().getId(node as Node) : -1;
    return id > 0 ? id : undefined;
  }

  #onMouseDown(event: MouseEvent): void {
    // A native select list must not open in the mirror; the console draws the choices instead.
    if (!this.#write || targetElement(event)?.closest("select") !== null) event.preventDefault();
  }

  #onClick(event: MouseEvent): void {
    event.preventDefault();
    event.stopPropagation();
    if (!this.#write) return;
    const target = targetElement(event);
    const select = target?.closest("select") ?? null;
    const id = this.#id(select ?? target);
    if (select !== null && id !== undefined) {
      this.#events.choose(select as HTMLSelectElement, id);
      return;
    }
    this.#events.action({ kind: "click", id, x: event.clientX, y: event.clientY });
  }

  #onInput(event: Event): void {
    const field = event.target as HTMLInputElement | HTMLTextAreaElement | null;
    if (!this.#write || field === null || typeof field.value !== "string") return;
    const id = this.#id(field);
    this.#editing = { id: id ?? -1, until: Date.now() + ECHO_HOLD_MS };
    this.#events.action({ kind: "input", id, ...centre(field), value: field.value });
  }

  #onKey(event: KeyboardEvent): void {
    if (!this.#write) return event.preventDefault();
    if (!SENT_KEYS.has(event.key)) return;
    if (event.key !== "Tab") event.preventDefault();
    const target = targetElement(event);
    this.#events.action({ kind: "key", id: this.#id(target), ...(target ? centre(target) : {}), key: event.key });
  }

  #onWheel(event: WheelEvent): void {
    event.preventDefault();
    if (!this.#write) return;
    this.#scroll.dx += event.deltaX;
    this.#scroll.dy += event.deltaY;
    this.#flushScroll.push(null);
  }

  #sendScroll(): void {
    const { dx, dy } = this.#scroll;
    this.#scroll = { dx: 0, dy: 0 };
    if (dx !== 0 || dy !== 0) this.#events.action({ kind: "scroll", dx, dy });
  }
}

// The mirror's nodes belong to another window, so `instanceof Element` would be false for them.
function targetElement(event: Event): Element | null {
  const target = event.target as Node | null;
  if (target === null) return null;
  return target.nodeType === Node.ELEMENT_NODE ? (target as Element) : target.parentElement;
}

function centre(element: Element): { x: number; y: number } {
  const box = element.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}
