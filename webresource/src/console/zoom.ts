// The mirror's zoom (issue #18): a Fit / 100 % switch (`[data-testid=mirror-zoom]`) between the
// customer's viewport scaled down to fit the agent's stage and shown at 100 % with the stage
// scrollable, and a label naming the customer's window size and the scale shown
// (`[data-testid=mirror-viewport]`).

import { byTestId } from "../dom";

/** How the mirror is scaled. */
export type ZoomMode = "fit" | "actual";

/** The switch and the label in the console's header. */
export class MirrorZoom {
  #bar: HTMLElement;
  #button: HTMLButtonElement;
  #label: HTMLElement;
  #mode: ZoomMode = "fit";

  /** `changed` is called after the agent switched; the controls are looked up in `root` (a
   * page with several mirrors gives each its own). */
  constructor(changed: () => void, root: ParentNode = document) {
    this.#bar = byTestId("mirror-view", root);
    this.#button = byTestId<HTMLButtonElement>("mirror-zoom", root);
    this.#label = byTestId("mirror-viewport", root);
    this.#button.onclick = () => {
      this.#mode = this.#mode === "fit" ? "actual" : "fit";
      changed();
    };
  }

  /** True at 100 %: the stage scrolls instead of the page shrinking. */
  get actual(): boolean {
    return this.#mode === "actual";
  }

  /** The scale for a page of `page` CSS pixels on a stage of `stage` pixels. */
  scale(stage: { width: number; height: number }, page: { width: number; height: number }): number {
    return this.actual ? 1 : Math.min(stage.width / page.width, stage.height / page.height, 1);
  }

  /** Shows the customer's window size and the scale the mirror has now. */
  describe(width: number, height: number, scale: number): void {
    this.#bar.hidden = false;
    this.#button.textContent = this.actual ? "Fit" : "100 %";
    this.#button.title = this.actual ? "Scale the customer's page to fit" : "Show the customer's page at its real size";
    this.#button.setAttribute("aria-pressed", String(this.actual));
    this.#button.dataset["zoom"] = this.#mode;
    const how = this.actual ? "100 %" : `fit ${Math.round(scale * 100)} %`;
    this.#label.textContent = `Customer's window ${Math.round(width)} × ${Math.round(height)} · ${how}`;
  }
}
