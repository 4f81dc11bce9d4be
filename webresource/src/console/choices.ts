// A `<select>`'s choices drawn in the console over the mirror: synthetic events cannot open a
// native list on either side, so the agent picks here and the customer's script sets the value.

import { element, style } from "../dom";

/** A list of one select's options; `pick` gets the chosen option's value. */
export class ChoiceList {
  #stage: HTMLElement;
  #list: HTMLDivElement | null = null;
  #onKey = (event: KeyboardEvent): void => {
    if (event.key === "Escape") this.close();
  };

  constructor(stage: HTMLElement) {
    this.#stage = stage;
  }

  /** Shows the options of `select` below `anchor` (stage coordinates). */
  open(select: HTMLSelectElement, anchor: { left: number; top: number; width: number }, pick: (value: string) => void): void {
    this.close();
    const buttons = [...select.options].map((option) => {
      const button = element("button", {
        type: "button", role: "option", "data-testid": "agent-select-option", "data-value": option.value,
        "aria-selected": String(option.value === select.value),
      }, [option.textContent?.trim() || option.value]);
      button.disabled = option.disabled;
      button.addEventListener("click", () => {
        this.close();
        pick(option.value);
      });
      return button;
    });
    const list = element("div", { class: "mirror-choices", role: "listbox", "data-testid": "agent-select-choices" }, buttons);
    style(list, { left: `${anchor.left}px`, top: `${anchor.top}px`, minWidth: `${Math.max(anchor.width, 120)}px` });
    this.#stage.append(list);
    this.#list = list;
    window.addEventListener("keydown", this.#onKey);
    buttons.find((b) => !b.disabled)?.focus();
  }

  /** Hides the list. */
  close(): void {
    this.#list?.remove();
    this.#list = null;
    window.removeEventListener("keydown", this.#onKey);
  }
}
