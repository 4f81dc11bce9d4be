// What agents show on the customer's page without control (issue #18, first part): a highlight
// around one element (scrolled into view) and strokes, drawn in one overlay of Duet's own
// (`[data-testid=cobrowse-annotations]`, one child per annotation). The overlay sits at the
// document's origin with no size, so its children are anchored to the document and stay on the
// right element as the customer scrolls; it is Duet's UI (`data-duet-ui`), which the recorder
// blocks, so none of it is sent as page content. Each annotation fades after a few seconds, and
// the customer can hide them all with the widget's toggle.

import { record } from "@rrweb/record";
import { element } from "../dom";
import type { Annotation } from "../protocol";

/** How long an annotation stays before it fades, and how long the fade takes. */
export const ANNOTATION_MS = 6_000;
const FADE_MS = 600;
const SVG = "http://www.w3.org/2000/svg";

/** The overlay and the annotations in it, by sender and id. */
export class Annotations {
  /** The widget's button that hides (and shows again) what agents show. */
  readonly toggle = element("button", { type: "button", "data-testid": "cobrowse-annotations-toggle", "aria-pressed": "false" }, [
    "Hide the agent's drawings",
  ]);
  #overlay: HTMLDivElement | null = null;
  #shown = new Map<string, Element>();
  #hidden = false;

  constructor() {
    this.toggle.addEventListener("click", () => this.#hide(!this.#hidden));
  }

  /** Shows (or clears) what the agent with handle `from` sent. */
  show(from: string, annotation: Annotation): void {
    if (annotation.kind === "clear") return this.clear(from);
    const key = `${from}:${annotation.id}`;
    this.#shown.get(key)?.remove();
    const drawn = annotation.kind === "highlight" ? this.#highlight(annotation.node) : this.#stroke(annotation);
    if (drawn === null) return;
    drawn.setAttribute("data-from", from);
    this.#layer().append(drawn);
    this.#shown.set(key, drawn);
    setTimeout(() => this.#fade(key, drawn), ANNOTATION_MS);
  }

  /** Removes one agent's annotations, or everyone's. */
  clear(from?: string): void {
    for (const [key, drawn] of this.#shown) {
      if (from !== undefined && drawn.getAttribute("data-from") !== from) continue;
      drawn.remove();
      this.#shown.delete(key);
    }
  }

  /** Removes the overlay (the session ended). */
  end(): void {
    this.clear();
    this.#overlay?.remove();
    this.#overlay = null;
  }

  #hide(hidden: boolean): void {
    this.#hidden = hidden;
    this.toggle.setAttribute("aria-pressed", String(hidden));
    this.toggle.textContent = hidden ? "Show the agent's drawings" : "Hide the agent's drawings";
    if (this.#overlay !== null) this.#overlay.style.display = hidden ? "none" : "";
  }

  #highlight(node: number): Element | null {
    const target = record.mirror.getNode(node);
    if (!(target instanceof Element)) return null;
    const box = target.getBoundingClientRect();
    const frame = element("div", { "data-annotation": "highlight" });
    Object.assign(frame.style, {
      position: "absolute",
      left: `${box.left + window.scrollX - 4}px`,
      top: `${box.top + window.scrollY - 4}px`,
      width: `${box.width + 8}px`,
      height: `${box.height + 8}px`,
      outline: "3px solid #e3008c",
      borderRadius: "4px",
      boxShadow: "0 0 0 6px rgba(227, 0, 140, 0.18)",
      transition: `opacity ${FADE_MS}ms`,
    });
    target.scrollIntoView({ block: "center", inline: "nearest", behavior: "smooth" });
    return frame;
  }

  #stroke(annotation: Extract<Annotation, { kind: "stroke" }>): Element {
    const { points, shape } = annotation;
    const xs = points.filter((_, i) => i % 2 === 0);
    const ys = points.filter((_, i) => i % 2 === 1);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("data-annotation", "stroke");
    svg.setAttribute("width", String(Math.max(...xs) + 4));
    svg.setAttribute("height", String(Math.max(...ys) + 4));
    Object.assign(svg.style, { position: "absolute", left: "0", top: "0", overflow: "visible", transition: `opacity ${FADE_MS}ms` });
    const line = document.createElementNS(SVG, shape === "rect" ? "rect" : "polyline");
    if (shape === "rect") {
      const [x0, y0, x1, y1] = [xs[0] ?? 0, ys[0] ?? 0, xs[xs.length - 1] ?? 0, ys[ys.length - 1] ?? 0];
      line.setAttribute("x", String(Math.min(x0, x1)));
      line.setAttribute("y", String(Math.min(y0, y1)));
      line.setAttribute("width", String(Math.abs(x1 - x0)));
      line.setAttribute("height", String(Math.abs(y1 - y0)));
    } else {
      line.setAttribute("points", xs.map((x, i) => `${x},${ys[i] ?? 0}`).join(" "));
    }
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#e3008c");
    line.setAttribute("stroke-width", "3");
    line.setAttribute("stroke-linecap", "round");
    line.setAttribute("stroke-linejoin", "round");
    svg.append(line);
    return svg;
  }

  #fade(key: string, drawn: Element): void {
    if (this.#shown.get(key) !== drawn) return;
    (drawn as HTMLElement | SVGElement).style.opacity = "0";
    setTimeout(() => {
      drawn.remove();
      if (this.#shown.get(key) === drawn) this.#shown.delete(key);
    }, FADE_MS);
  }

  /** The overlay: at the document's origin, no size, above the page, not clickable, not recorded. */
  #layer(): HTMLDivElement {
    if (this.#overlay?.isConnected) return this.#overlay;
    const overlay = element("div", { "data-testid": "cobrowse-annotations", "data-duet-ui": "", "aria-hidden": "true" });
    Object.assign(overlay.style, {
      position: "absolute",
      left: "0",
      top: "0",
      width: "0",
      height: "0",
      overflow: "visible",
      pointerEvents: "none",
      zIndex: "2147483646",
      display: this.#hidden ? "none" : "",
    });
    document.body.append(overlay);
    this.#overlay = overlay;
    return overlay;
  }
}
