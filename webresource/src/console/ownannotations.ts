// What this agent shows the customer, drawn over the mirror too (issue #18): a layer
// (`[data-testid=agent-annotations]`, one child per annotation) at the mirror document's origin,
// clipped to the customer's viewport and moved with the mirror's scroll and scale each animation
// frame while it holds anything. The drawing and its timing are ../annotationdraw.ts, the same as
// on the customer's page, so both fade together; Clear empties both.

import { AnnotationLayer, documentBox } from "../annotationdraw";
import { element, style } from "../dom";
import type { Annotation } from "../protocol";
import type { Mirror } from "./mirror";

/** The sender key of this agent's own annotations. */
const SELF = "self";

/** The agent's own annotations over the mirror. */
export class OwnAnnotations {
  #mirror: Mirror;
  #clip = element("div", { class: "agent-annotations-clip", "aria-hidden": "true" });
  #layer = element("div", { "data-testid": "agent-annotations" });
  #drawings: AnnotationLayer;
  #following = false;

  constructor(mirror: Mirror) {
    this.#mirror = mirror;
    this.#clip.append(this.#layer);
    style(this.#clip, { position: "absolute", overflow: "hidden", pointerEvents: "none", display: "none" });
    style(this.#layer, { position: "absolute", left: "0", top: "0", width: "0", height: "0", overflow: "visible", transformOrigin: "0 0" });
    mirror.addLayer(this.#clip);
    this.#drawings = new AnnotationLayer({
      layer: () => this.#layer,
      boxOf: (node) => {
        const target = mirror.elementOf(node);
        return target === null ? null : documentBox(target);
      },
    });
  }

  /** Draws (or clears) an annotation this agent sent. */
  show(annotation: Annotation): void {
    this.#drawings.show(SELF, annotation);
    this.#follow();
  }

  #follow(): void {
    if (this.#following) return;
    this.#following = true;
    const step = (): void => {
      this.#place();
      if (this.#drawings.size > 0) requestAnimationFrame(step);
      else this.#following = false;
    };
    step();
  }

  /** Puts the layer where the mirror shows the customer's document now. */
  #place(): void {
    const view = this.#mirror.view();
    if (view === null) {
      this.#clip.style.display = "none";
      return;
    }
    style(this.#clip, {
      display: "block",
      left: `${view.left}px`,
      top: `${view.top}px`,
      width: `${view.width}px`,
      height: `${view.height}px`,
    });
    this.#layer.style.transform = `scale(${view.scale}) translate(${-view.scrollX}px, ${-view.scrollY}px)`;
  }
}
