// What agents show on the customer's page without control (issue #18): highlights (scrolled into
// view), strokes that grow while the agent draws, and an agent's laser trail, drawn in one overlay
// of Duet's own (`[data-testid=cobrowse-annotations]`, one child per annotation; the drawing is
// ../annotationdraw.ts, shared with the agent's console). The overlay sits at the document's
// origin with no size, so its children are anchored to the document and stay on the right element
// as the customer scrolls; it is Duet's UI (`data-duet-ui`), which the recorder blocks, so none of
// it is sent as page content. Annotations fade unless pinned, the laser trail after a second, and
// the customer can hide them all with the widget's toggle.

import { record } from "@rrweb/record";
import { AnnotationLayer, documentBox } from "../annotationdraw";
import { element } from "../dom";
import { natives } from "../natives";
import type { Annotation } from "../protocol";
import { LaserTrail } from "./laser";

/** The overlay and the annotations in it. */
export class Annotations {
  /** The widget's button that hides (and shows again) what agents show. */
  readonly toggle = element("button", { type: "button", "data-testid": "cobrowse-annotations-toggle", "aria-pressed": "false" }, [
    "Hide the agent's drawings",
  ]);
  #overlay: HTMLDivElement | null = null;
  #hidden = false;
  #drawings = new AnnotationLayer({ layer: () => this.#layer(), boxOf: (node) => this.#boxOf(node) });
  #laser = new LaserTrail(() => this.#layer());

  constructor() {
    natives().listen(this.toggle, "click", () => this.#hide(!this.#hidden));
  }

  /** Shows (or clears) what the agent with handle `from` sent. */
  show(from: string, annotation: Annotation): void {
    this.#drawings.show(from, annotation);
    if (annotation.kind !== "highlight") return;
    const target = record.mirror.getNode(annotation.node);
    if (target instanceof Element) target.scrollIntoView({ block: "center", inline: "nearest", behavior: "smooth" });
  }

  /** Moves the agent's laser to (x, y) in the customer's viewport. */
  laser(x: number, y: number): void {
    this.#laser.add(x + window.scrollX, y + window.scrollY);
  }

  /** Removes one agent's annotations, or everyone's. */
  clear(from?: string): void {
    this.#drawings.clear(from);
  }

  /** Removes the overlay (the session ended). */
  end(): void {
    this.clear();
    this.#laser.clear();
    this.#overlay?.remove();
    this.#overlay = null;
  }

  #boxOf(node: number): ReturnType<typeof documentBox> | null {
    const target = record.mirror.getNode(node);
    return target instanceof Element ? documentBox(target) : null;
  }

  #hide(hidden: boolean): void {
    this.#hidden = hidden;
    this.toggle.setAttribute("aria-pressed", String(hidden));
    this.toggle.textContent = hidden ? "Show the agent's drawings" : "Hide the agent's drawings";
    if (this.#overlay !== null) this.#overlay.style.display = hidden ? "none" : "";
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
