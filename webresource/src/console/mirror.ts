// The live mirror of the customer's page: rrweb's Replayer in live mode, fed on arrival with
// scripts and handlers taken out (sanitize.ts), in a sandboxed frame that can never run the
// page's scripts, scaled to fit or shown at 100 % in a scrolling stage (zoom.ts).

import { Replayer } from "@rrweb/replay";
import { element, style } from "../dom";
import { LatestPerFrame } from "../frame";
import type { AgentAction } from "../protocol";
import { AssetAddresses } from "./assetaddresses";
import { MirrorCapture } from "./capture";
import { ChoiceList } from "./choices";
import { AttentionMarks, MARK_STYLE_RULES } from "./marks";
import { MEDIA_STYLE_RULES, mediaStateChange } from "./mediastate";
import { type Rewrite, sanitizeEvent } from "./sanitize";
import { MirrorZoom } from "./zoom";

/** Replayer baseline far in the future: every event is "in the past", so it applies on arrival
 * (no sender clock, no buffer). Needs `useVirtualDom: false`, or such events wait for a flush. */
const APPLY_ON_ARRIVAL_BASELINE_MS = Number.MAX_SAFE_INTEGER;
/** Size of the customer's pointer dot, in CSS pixels of the console. */
const POINTER_SIZE_PX = 16;

type ReplayEvent = ConstructorParameters<typeof Replayer>[0][number];

/** Where the mirror shows the customer's viewport, in pixels of the mouse overlay (which scrolls
 * with the stage), at what scale, and how far the customer's document is scrolled. */
export interface MirrorView {
  left: number;
  top: number;
  width: number;
  height: number;
  scale: number;
  scrollX: number;
  scrollY: number;
}

/** rrweb's Replayer keeps every event it is given, for seeking, which a live mirror never does:
 * a long session would grow the agent's tab without end. Each event is applied before the next
 * batch arrives (live mode applies on arrival, on a microtask), so the kept ones can go. */
function forgetApplied(replayer: Replayer): void {
  replayer.service.state.context.events.length = 0;
}

/** Throws unless the frame is sandboxed without scripts. */
export function assertNoScripts(frame: HTMLIFrameElement): void {
  const sandbox = frame.getAttribute("sandbox");
  if (sandbox === null || sandbox.split(/\s+/).includes("allow-scripts")) {
    throw new Error("The mirror frame must be sandboxed without allow-scripts.");
  }
}

/** The mirror, the customer's pointer over it, and the agent's pointer from it. */
export class Mirror {
  #stage: HTMLElement;
  #root: HTMLDivElement;
  #overlay: HTMLDivElement;
  #customerPointer: HTMLDivElement;
  #replayer: Replayer | null = null;
  #width = 0;
  #height = 0;
  #scale = 1;
  #laser = false;
  #zoom: MirrorZoom;
  #send: LatestPerFrame<{ x: number; y: number }>;
  #capture: MirrorCapture;
  #choices: ChoiceList;
  #addresses = new AssetAddresses();
  #rewrite: Rewrite = {
    addresses: this.#addresses,
    lookup: (id) => {
      const node = this.#replayer?.getMirror().getNode(id);
      if (node === null || node === undefined) return null;
      const parent = node.parentNode;
      return {
        tagName: node.nodeType === Node.ELEMENT_NODE ? (node as Element).tagName : "",
        styleText: node.nodeType === Node.TEXT_NODE && parent?.nodeName === "STYLE",
      };
    },
  };

  /** `sendPointer` gets the agent's pointer in the customer's viewport pixels (and whether it is
   * the laser); `sendAction` the agent's actions in write mode. */
  constructor(stage: HTMLElement, sendPointer: (x: number, y: number, laser: boolean) => void, sendAction: (action: AgentAction) => void) {
    this.#stage = stage;
    // Several mirrors on one page (a supervisor's live grid) each have their own zoom controls.
    this.#zoom = new MirrorZoom(() => this.#fit(), stage.closest("[data-mirror-scope]") ?? document);
    this.#root = element("div", { class: "mirror-root" });
    this.#overlay = element("div", { class: "mirror-overlay", title: "Your pointer is shown to the customer" });
    this.#customerPointer = element("div", { class: "customer-pointer", "aria-hidden": "true" });
    this.#overlay.append(this.#customerPointer);
    stage.append(this.#root, this.#overlay);
    this.#send = new LatestPerFrame((p) => sendPointer(p.x, p.y, this.#laser));
    this.#choices = new ChoiceList(stage);
    this.#capture = new MirrorCapture({
      action: sendAction,
      pointer: (x, y) => this.#send.push({ x, y }),
      choose: (select, id) => this.#showChoices(select, id, sendAction),
    });
    this.#overlay.addEventListener("mousemove", (event) => this.#onMove(event));
    window.addEventListener("resize", () => this.#fit());
  }

  /** Where the page's assets load from: Duet's origin and the welcome's `page_assets`; until
   * it is known, nothing of the page loads. */
  set assets(prefix: string) {
    this.#addresses.prefix = prefix;
  }

  /** Applies one batch from the customer; a full batch rebuilds the mirror. */
  apply(full: boolean, events: unknown[]): void {
    if (full) this.#rebuild();
    const replayer = this.#replayer;
    if (replayer === null) return; // Incremental events before the first snapshot mean nothing.
    forgetApplied(replayer);
    const arrived = Date.now();
    for (const event of events) {
      // The customer's script leaves rrweb's timestamps out; events apply on arrival anyway.
      (event as { timestamp?: number }).timestamp ??= arrived;
      if (this.#capture.isEcho(event)) continue;
      replayer.addEvent(sanitizeEvent(event, this.#rewrite) as ReplayEvent);
      const media = mediaStateChange(event);
      if (media !== null) replayer.addEvent(media as ReplayEvent);
    }
    this.#capture.wire(replayer);
  }

  /** Write mode on: the agent's input in the mirror goes to the customer as actions. */
  setWrite(write: boolean): void {
    this.#capture.setWrite(write);
    this.#overlay.style.pointerEvents = write ? "none" : "";
    if (!write) this.#choices.close();
  }

  /** While true, the agent's pointer goes to the customer as the laser. */
  set laser(on: boolean) {
    this.#laser = on;
  }

  /** Puts a layer above the page and under the agent's mouse overlay. */
  addLayer(layer: HTMLElement): void {
    this.#stage.insertBefore(layer, this.#overlay);
  }

  /** Where the customer's viewport shows now, or null before the first snapshot. */
  view(): MirrorView | null {
    const view = this.#replayer?.iframe.contentWindow;
    if (view === null || view === undefined || this.#width === 0) return null;
    const offset = this.#offset();
    const [width, height] = [this.#width * this.#scale, this.#height * this.#scale];
    return { left: offset.x, top: offset.y, width, height, scale: this.#scale, scrollX: view.scrollX, scrollY: view.scrollY };
  }

  /** The mirror's element with this rrweb node id, or null. */
  elementOf(node: number): Element | null {
    const found = this.#replayer?.getMirror().getNode(node);
    // The element belongs to the frame's realm, where `instanceof Element` would be false.
    return found?.nodeType === Node.ELEMENT_NODE ? (found as Element) : null;
  }

  /** Draws the customer's pointer (customer viewport pixels). */
  showCustomerPointer(x: number, y: number): void {
    const offset = this.#offset();
    style(this.#customerPointer, {
      display: "block",
      transform: `translate(${offset.x + x * this.#scale - POINTER_SIZE_PX / 2}px, ${offset.y + y * this.#scale - POINTER_SIZE_PX / 2}px)`,
    });
  }

  /** Stops replaying; the last picture stays. */
  freeze(): void {
    this.setWrite(false);
    this.#customerPointer.style.display = "none";
    this.#replayer?.pause();
  }

  #rebuild(): void {
    this.#replayer?.destroy();
    this.#root.replaceChildren();
    const replayer = new Replayer([], {
      root: this.#root,
      liveMode: true,
      mouseTail: false,
      useVirtualDom: false,
      pauseAnimation: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      showWarning: false,
      insertStyleRules: [...MARK_STYLE_RULES, ...MEDIA_STYLE_RULES],
    });
    assertNoScripts(replayer.iframe);
    replayer.iframe.setAttribute("data-testid", "agent-mirror");
    replayer.iframe.title = "The customer's page";
    replayer.on("resize", (size) => this.#onResize(size as { width: number; height: number }));
    new AttentionMarks(replayer);
    replayer.startLive(APPLY_ON_ARRIVAL_BASELINE_MS);
    this.#replayer = replayer;
    this.#choices.close();
    this.#capture.wire(replayer);
  }

  #showChoices(select: HTMLSelectElement, id: number, sendAction: (action: AgentAction) => void): void {
    const box = select.getBoundingClientRect();
    const offset = this.#offset();
    const anchor = {
      left: offset.x + box.left * this.#scale,
      top: offset.y + box.bottom * this.#scale,
      width: box.width * this.#scale,
    };
    const centre = { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    this.#choices.open(select, anchor, (value) => sendAction({ kind: "select", id, ...centre, value }));
  }

  #onResize(size: { width: number; height: number }): void {
    this.#width = size.width;
    this.#height = size.height;
    this.#fit();
  }

  // At 100 % the page, and the overlay over it, get their real size and the stage scrolls.
  #fit(): void {
    const wrapper = this.#replayer?.wrapper;
    if (wrapper === undefined || this.#width === 0 || this.#height === 0) return;
    this.#stage.style.overflow = this.#zoom.actual ? "auto" : "hidden";
    const stage = { width: this.#stage.clientWidth, height: this.#stage.clientHeight };
    this.#scale = this.#zoom.scale(stage, { width: this.#width, height: this.#height });
    style(wrapper, { transform: `scale(${this.#scale})`, transformOrigin: "0 0" });
    const size = { width: `${this.#width * this.#scale}px`, height: `${this.#height * this.#scale}px` };
    style(this.#root, size);
    style(this.#overlay, size);
    this.#zoom.describe(this.#width, this.#height, this.#scale);
  }

  /** The page's offset in the overlay, which starts where the stage's content starts. */
  #offset(): { x: number; y: number } {
    const overlay = this.#overlay.getBoundingClientRect();
    const frame = this.#replayer?.iframe.getBoundingClientRect();
    return frame === undefined ? { x: 0, y: 0 } : { x: frame.left - overlay.left, y: frame.top - overlay.top };
  }

  /** The overlay the agent's mouse is on, in pointer mode. */
  get overlay(): HTMLDivElement {
    return this.#overlay;
  }

  /** Where a mouse event on the overlay is in the customer's document, or null off the page. */
  documentPoint(event: MouseEvent): { x: number; y: number } | null {
    const point = this.#viewportPoint(event);
    const view = this.#replayer?.iframe.contentWindow;
    if (point === null || view === null || view === undefined) return null;
    return { x: point.x + view.scrollX, y: point.y + view.scrollY };
  }

  /** The rrweb node id of the element under a mouse event on the overlay, or null. */
  nodeAt(event: MouseEvent): number | null {
    const point = this.#viewportPoint(event);
    const replayer = this.#replayer;
    const target = point === null ? null : (replayer?.iframe.contentDocument?.elementFromPoint(point.x, point.y) ?? null);
    if (target === null || replayer === null) return null;
    const id = replayer.getMirror().getId(target);
    return id > 0 ? id : null;
  }

  #viewportPoint(event: MouseEvent): { x: number; y: number } | null {
    const frame = this.#replayer?.iframe.getBoundingClientRect();
    if (frame === undefined || this.#scale === 0) return null;
    const x = (event.clientX - frame.left) / this.#scale;
    const y = (event.clientY - frame.top) / this.#scale;
    return x < 0 || y < 0 || x > this.#width || y > this.#height ? null : { x, y };
  }

  #onMove(event: MouseEvent): void {
    const point = this.#viewportPoint(event);
    if (point !== null) this.#send.push(point);
  }
}
