// A stroke streamed while the agent draws (issue #18): the points drawn since the last message go
// out as a `stroke` annotation with the stroke's id and the `offset` of their first point, so the
// customer sees the line grow. A point drawn after a pause goes out at once; while the agent keeps
// drawing, at most one message per animation frame and never two within MIN_SEND_GAP_MS (Duet's
// annotation budget, src/web/ws/budget.rs, earns back what that sends). At most
// MAX_STROKE_POINTS in all; the points after that are not drawn.

import { MAX_STROKE_POINTS } from "../annotationdraw";
import type { Annotation, StrokeShape } from "../protocol";

/** The shortest time between two messages of a stroke: under a 60 Hz frame (16.7 ms), so a
 * frame that comes a little early is not skipped; at most 83 messages a second. */
export const MIN_SEND_GAP_MS = 12;

type Stroke = Extract<Annotation, { kind: "stroke" }>;

/** One stroke being drawn. */
export class StrokeSender {
  #id: number;
  #pinned: boolean;
  #send: (stroke: Stroke) => void;
  #points: number[] = [];
  #shape: StrokeShape;
  /** Points and shape the customer has. */
  #sent = 0;
  #sentShape: StrokeShape | null = null;
  #sentAt = Number.NEGATIVE_INFINITY;
  #scheduled = false;

  /** Starts stroke `id` at `first` (document pixels) and sends it. */
  constructor(id: number, pinned: boolean, send: (stroke: Stroke) => void, first: { x: number; y: number }, shape: StrokeShape) {
    this.#id = id;
    this.#pinned = pinned;
    this.#send = send;
    this.#shape = shape;
    this.add(first, shape);
  }

  /** Adds a point (document pixels); `shape` is what the stroke is drawn as from now on. */
  add(point: { x: number; y: number }, shape: StrokeShape): void {
    if (this.#points.length < 2 * MAX_STROKE_POINTS) this.#points.push(Math.round(point.x), Math.round(point.y));
    this.#shape = shape;
    if (this.#scheduled) return;
    if (performance.now() - this.#sentAt >= MIN_SEND_GAP_MS) return this.#flush();
    this.#scheduled = true;
    requestAnimationFrame(() => this.#onFrame());
  }

  /** The mouse was released: sends what is left, drawn as `shape`. */
  finish(shape: StrokeShape): void {
    this.#shape = shape;
    this.#flush();
  }

  #onFrame(): void {
    this.#scheduled = false;
    if (performance.now() - this.#sentAt < MIN_SEND_GAP_MS) {
      this.#scheduled = true;
      requestAnimationFrame(() => this.#onFrame());
      return;
    }
    this.#flush();
  }

  #flush(): void {
    const total = this.#points.length / 2;
    // Nothing new but the shape: the last point again carries it.
    const from = this.#sent < total ? this.#sent : this.#shape === this.#sentShape ? null : total - 1;
    if (from === null || from < 0) return;
    const stroke: Stroke = { kind: "stroke", id: this.#id, shape: this.#shape, points: this.#points.slice(2 * from) };
    if (from > 0) stroke.offset = from;
    if (this.#pinned) stroke.pinned = true;
    this.#send(stroke);
    this.#sent = total;
    this.#sentShape = this.#shape;
    this.#sentAt = performance.now();
  }
}
