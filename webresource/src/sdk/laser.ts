// An agent's laser on the customer's page (issue #18): the positions of the agent's laser
// pointer frames from the last LASER_TRAIL_MS, in document coordinates, drawn as one fading line
// (`data-annotation="laser"`) in the annotations overlay. It goes away by itself once the agent
// stops moving or leaves the laser.

import { lineSvg } from "../annotationdraw";
import { natives } from "../natives";

/** How long a position stays in the trail. */
export const LASER_TRAIL_MS = 1_000;

interface Mark {
  x: number;
  y: number;
  at: number;
}

/** The trail, redrawn at most once per animation frame while it has marks. */
export class LaserTrail {
  #layer: () => Element;
  #marks: Mark[] = [];
  #drawn: SVGSVGElement | null = null;
  #scheduled = false;

  /** `layer` gives the overlay the trail is drawn in. */
  constructor(layer: () => Element) {
    this.#layer = layer;
  }

  /** Adds the laser's position, in the customer's document CSS pixels. */
  add(x: number, y: number): void {
    this.#marks.push({ x, y, at: natives().now() });
    this.#schedule();
  }

  /** Removes the trail now. */
  clear(): void {
    this.#marks = [];
    this.#drawn?.remove();
    this.#drawn = null;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    natives().requestAnimationFrame(() => {
      this.#scheduled = false;
      this.#draw();
    });
  }

  #draw(): void {
    const now = natives().now();
    this.#marks = this.#marks.filter((mark) => now - mark.at < LASER_TRAIL_MS);
    const newest = this.#marks[this.#marks.length - 1];
    if (newest === undefined) return this.clear();
    const svg = lineSvg("laser", this.#marks.flatMap((mark) => [mark.x, mark.y]));
    svg.style.transition = "";
    svg.style.opacity = String(1 - (now - newest.at) / LASER_TRAIL_MS);
    if (this.#drawn?.isConnected) this.#drawn.replaceWith(svg);
    else this.#layer().append(svg);
    this.#drawn = svg;
    this.#schedule();
  }
}
