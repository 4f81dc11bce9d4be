// The agent's tools in pointer mode (issue #18, first part): highlight an element (click it in
// the mirror: the customer's page outlines it and scrolls it into view), draw (a freehand stroke
// or, with Shift, a rectangle, sent whole when the mouse is released), and clear what this agent
// showed. Each goes to the customer as one `annotate` message.

import { byTestId } from "../dom";
import type { Annotation } from "../protocol";
import type { Mirror } from "./mirror";

type Tool = "pointer" | "highlight" | "draw";

/** The most points a stroke keeps (Duet refuses more). */
const MAX_POINTS = 1_000;

/** The toolbar and what it does on the mirror. */
export class AgentTools {
  #mirror: Mirror;
  #send: (annotation: Annotation) => void;
  #tool: Tool = "pointer";
  #nextId = 1;
  #stroke: number[] | null = null;
  #bar = byTestId("agent-tools");
  #buttons = {
    highlight: byTestId<HTMLButtonElement>("agent-tool-highlight"),
    draw: byTestId<HTMLButtonElement>("agent-tool-draw"),
  };

  constructor(mirror: Mirror, send: (annotation: Annotation) => void) {
    this.#mirror = mirror;
    this.#send = send;
    this.#buttons.highlight.onclick = () => this.#choose(this.#tool === "highlight" ? "pointer" : "highlight");
    this.#buttons.draw.onclick = () => this.#choose(this.#tool === "draw" ? "pointer" : "draw");
    byTestId<HTMLButtonElement>("agent-tool-clear").onclick = () => this.#send({ kind: "clear" });
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

  #choose(tool: Tool): void {
    this.#tool = tool;
    this.#stroke = null;
    this.#buttons.highlight.setAttribute("aria-pressed", String(tool === "highlight"));
    this.#buttons.draw.setAttribute("aria-pressed", String(tool === "draw"));
    this.#mirror.overlay.dataset["tool"] = tool;
  }

  #onClick(event: MouseEvent): void {
    if (this.#tool !== "highlight") return;
    const node = this.#mirror.nodeAt(event);
    if (node !== null) this.#send({ kind: "highlight", id: this.#nextId++, node });
  }

  #onDown(event: MouseEvent): void {
    if (this.#tool !== "draw") return;
    const point = this.#mirror.documentPoint(event);
    this.#stroke = point === null ? null : [point.x, point.y];
  }

  #onDrag(event: MouseEvent): void {
    if (this.#stroke === null || this.#stroke.length >= 2 * MAX_POINTS) return;
    const point = this.#mirror.documentPoint(event);
    if (point !== null) this.#stroke.push(Math.round(point.x), Math.round(point.y));
  }

  #onUp(event: MouseEvent): void {
    const points = this.#stroke;
    this.#stroke = null;
    if (points === null || this.#tool !== "draw") return;
    const shape = event.shiftKey ? "rect" : "free";
    this.#send({ kind: "stroke", id: this.#nextId++, shape, points });
  }
}
