// The agent's tools in pointer mode (issue #18): highlight an element (click it in the mirror: the
// customer's page outlines it and scrolls it into view), draw (a freehand stroke or, with Shift, a
// rectangle, streamed while the mouse is down: strokesender.ts), the laser (the agent's pointer
// leaves a short fading trail on the customer's page: laser pointer frames, mirror.ts), pin (what
// is sent while pinned does not fade), and clear what this agent showed. Each annotation goes to
// the customer as an `annotate` message and is drawn over the mirror too (ownannotations.ts).

import { byTestId } from "../dom";
import type { Annotation, StrokeShape } from "../protocol";
import type { Mirror } from "./mirror";
import { OwnAnnotations } from "./ownannotations";
import { StrokeSender } from "./strokesender";

type Tool = "pointer" | "highlight" | "draw" | "laser";
type ToolButton = Exclude<Tool, "pointer">;

const TOOLS: readonly ToolButton[] = ["highlight", "draw", "laser"];

/** The toolbar and what it does on the mirror. */
export class AgentTools {
  #mirror: Mirror;
  #send: (annotation: Annotation) => void;
  #own: OwnAnnotations;
  #tool: Tool = "pointer";
  #pinned = false;
  #nextId = 1;
  #stroke: StrokeSender | null = null;
  #bar = byTestId("agent-tools");
  #pin = byTestId<HTMLButtonElement>("agent-tool-pin");
  #buttons: Record<ToolButton, HTMLButtonElement> = {
    highlight: byTestId<HTMLButtonElement>("agent-tool-highlight"),
    draw: byTestId<HTMLButtonElement>("agent-tool-draw"),
    laser: byTestId<HTMLButtonElement>("agent-tool-laser"),
  };

  constructor(mirror: Mirror, send: (annotation: Annotation) => void) {
    this.#mirror = mirror;
    this.#send = send;
    this.#own = new OwnAnnotations(mirror);
    for (const tool of TOOLS) this.#buttons[tool].onclick = () => this.#choose(this.#tool === tool ? "pointer" : tool);
    this.#pin.onclick = () => this.#setPinned(!this.#pinned);
    byTestId<HTMLButtonElement>("agent-tool-clear").onclick = () => this.#annotate({ kind: "clear" });
    const overlay = mirror.overlay;
    overlay.addEventListener("click", (event) => this.#onClick(event));
    overlay.addEventListener("mousedown", (event) => this.#onDown(event));
    overlay.addEventListener("mousemove", (event) => this.#onDrag(event));
    window.addEventListener("mouseup", (event) => this.#onUp(event));
  }

  /** Shows the tools while the agent sees the page (not while waiting, nor in write mode). */
  show(available: boolean): void {
    this.#bar.hidden = !available;
    if (!available) this.#choose("pointer");
  }

  #annotate(annotation: Annotation): void {
    this.#own.show(annotation);
    this.#send(annotation);
  }

  #choose(tool: Tool): void {
    this.#tool = tool;
    this.#stroke = null;
    for (const name of TOOLS) this.#buttons[name].setAttribute("aria-pressed", String(tool === name));
    this.#mirror.overlay.dataset["tool"] = tool;
    this.#mirror.laser = tool === "laser";
  }

  #setPinned(pinned: boolean): void {
    this.#pinned = pinned;
    this.#pin.setAttribute("aria-pressed", String(pinned));
  }

  #onClick(event: MouseEvent): void {
    if (this.#tool !== "highlight") return;
    const node = this.#mirror.nodeAt(event);
    if (node === null) return;
    const highlight: Annotation = { kind: "highlight", id: this.#nextId++, node };
    if (this.#pinned) highlight.pinned = true;
    this.#annotate(highlight);
  }

  #onDown(event: MouseEvent): void {
    if (this.#tool !== "draw") return;
    const point = this.#mirror.documentPoint(event);
    if (point === null) return;
    this.#stroke = new StrokeSender(this.#nextId++, this.#pinned, (stroke) => this.#annotate(stroke), point, shapeOf(event));
  }

  #onDrag(event: MouseEvent): void {
    if (this.#stroke === null) return;
    const point = this.#mirror.documentPoint(event);
    if (point !== null) this.#stroke.add(point, shapeOf(event));
  }

  #onUp(event: MouseEvent): void {
    this.#stroke?.finish(shapeOf(event));
    this.#stroke = null;
  }
}

/** A drag with Shift draws a rectangle. */
function shapeOf(event: MouseEvent): StrokeShape {
  return event.shiftKey ? "rect" : "free";
}
