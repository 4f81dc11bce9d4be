// Drawing what agents show (issue #18), shared by the customer's overlay (sdk/annotations.ts) and
// the agent's own view of it over the mirror (console/ownannotations.ts), so both look and time
// the same: one element per annotation (`data-annotation` = highlight, stroke or laser) in a
// layer at a document's origin, so each is anchored to the document. A stroke grows as its
// messages arrive (each puts its points at its `offset`); each annotation fades ANNOTATION_MS
// after its last message unless it is pinned; clearing removes pinned ones too.

import { natives } from "./natives";
import type { Annotation, StrokeShape } from "./protocol";

/** How long an annotation stays after its last message before it fades, and how long the fade takes. */
export const ANNOTATION_MS = 6_000;
export const FADE_MS = 600;
/** The most points a stroke keeps (Duet refuses more). */
export const MAX_STROKE_POINTS = 1_000;

const SVG = "http://www.w3.org/2000/svg";
const COLOUR = "#e3008c";

/** A box in document CSS pixels. */
export interface DocumentBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where the drawings of one document go, and where its elements are. */
export interface Surface {
  /** The layer at the document's origin (made on first use). */
  layer(): Element;
  /** The document box of the element with this rrweb node id, or null when it is not there. */
  boxOf(node: number): DocumentBox | null;
}

interface Shown {
  from: string;
  drawn: HTMLElement | SVGElement;
  points: number[];
  timer: number | null;
}

/** The box of `target` in its own document (works across frames: no `instanceof`). */
export function documentBox(target: Element): DocumentBox {
  const box = target.getBoundingClientRect();
  const view = target.ownerDocument.defaultView;
  return { left: box.left + (view?.scrollX ?? 0), top: box.top + (view?.scrollY ?? 0), width: box.width, height: box.height };
}

/** The annotations drawn on one surface, by sender and id. */
export class AnnotationLayer {
  #surface: Surface;
  #shown = new Map<string, Shown>();

  constructor(surface: Surface) {
    this.#surface = surface;
  }

  /** How many annotations are drawn. */
  get size(): number {
    return this.#shown.size;
  }

  /** Draws (or clears) what the sender `from` sent. */
  show(from: string, annotation: Annotation): void {
    if (annotation.kind === "clear") return this.clear(from);
    const key = `${from}:${annotation.id}`;
    const entry: Omit<Shown, "drawn"> & { drawn: Shown["drawn"] | null } = this.#shown.get(key) ?? { from, drawn: null, points: [], timer: null };
    let drawn: HTMLElement | SVGElement | null;
    if (annotation.kind === "highlight") {
      const box = this.#surface.boxOf(annotation.node);
      drawn = box === null ? null : highlightBox(box);
    } else {
      entry.points = strokePoints(annotation.offset === undefined ? [] : entry.points, annotation);
      drawn = lineSvg("stroke", entry.points, annotation.shape);
    }
    if (drawn === null) return;
    drawn.setAttribute("data-from", from);
    if (entry.drawn?.isConnected) entry.drawn.replaceWith(drawn);
    else this.#surface.layer().append(drawn);
    const shown = { ...entry, drawn };
    this.#shown.set(key, shown);
    this.#schedule(key, shown, annotation.pinned === true);
  }

  /** Removes one sender's annotations, or everyone's. */
  clear(from?: string): void {
    for (const [key, shown] of this.#shown) {
      if (from !== undefined && shown.from !== from) continue;
      if (shown.timer !== null) natives().clearTimeout(shown.timer);
      shown.drawn.remove();
      this.#shown.delete(key);
    }
  }

  #schedule(key: string, shown: Shown, pinned: boolean): void {
    if (shown.timer !== null) natives().clearTimeout(shown.timer);
    shown.timer = pinned ? null : natives().setTimeout(() => this.#fade(key, shown), ANNOTATION_MS);
  }

  #fade(key: string, shown: Shown): void {
    if (this.#shown.get(key) !== shown) return;
    shown.drawn.style.opacity = "0";
    shown.timer = natives().setTimeout(() => {
      shown.drawn.remove();
      if (this.#shown.get(key) === shown) this.#shown.delete(key);
    }, FADE_MS);
  }
}

/** The stroke's points after a message: `before` up to the message's offset, then its points. */
function strokePoints(before: number[], stroke: Extract<Annotation, { kind: "stroke" }>): number[] {
  const points = before.slice(0, 2 * (stroke.offset ?? 0));
  points.push(...stroke.points);
  return points.slice(0, 2 * MAX_STROKE_POINTS);
}

/** An outline around a document box, a little outside it. */
export function highlightBox(box: DocumentBox): HTMLElement {
  const frame = document.createElement("div");
  frame.setAttribute("data-annotation", "highlight");
  Object.assign(frame.style, {
    position: "absolute",
    left: `${box.left - 4}px`,
    top: `${box.top - 4}px`,
    width: `${box.width + 8}px`,
    height: `${box.height + 8}px`,
    outline: `3px solid ${COLOUR}`,
    borderRadius: "4px",
    boxShadow: "0 0 0 6px rgba(227, 0, 140, 0.18)",
    transition: `opacity ${FADE_MS}ms`,
  });
  return frame;
}

/** An SVG at the document's origin drawing `points` (`x, y, …`) as a line or the rectangle they span. */
export function lineSvg(kind: "stroke" | "laser", points: number[], shape: StrokeShape = "free"): SVGSVGElement {
  const xs = points.filter((_, i) => i % 2 === 0);
  const ys = points.filter((_, i) => i % 2 === 1);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("data-annotation", kind);
  svg.setAttribute("width", String(Math.max(0, ...xs) + 4));
  svg.setAttribute("height", String(Math.max(0, ...ys) + 4));
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
  line.setAttribute("stroke", kind === "laser" ? "rgba(232, 17, 35, .8)" : COLOUR);
  line.setAttribute("stroke-width", kind === "laser" ? "4" : "3");
  line.setAttribute("stroke-linecap", "round");
  line.setAttribute("stroke-linejoin", "round");
  svg.append(line);
  return svg;
}
