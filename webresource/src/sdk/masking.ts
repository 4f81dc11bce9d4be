// What the agent must never see, decided in the customer's browser before anything is sent.

import type { Policy } from "../protocol";

/** The constant every masked value becomes: it never reveals the length. */
export const MASK = "••••••";
/** Elements the site marks as private. */
export const SITE_MASK_SELECTOR = "[data-duet-mask]";
/** Elements the site marks as shown under private-by-default. */
export const SITE_ALLOW_SELECTOR = "[data-duet-allow]";
/** Duet's own widget, never recorded. */
export const DUET_UI_SELECTOR = "[data-duet-ui]";
/** Form fields, whose values rrweb records. */
const FIELDS = "input, textarea, select";
/** How many hidden fields the widget names before it says "and others". */
export const HIDDEN_NAMES_SHOWN = 5;

/** The rrweb masking options and the list of hidden fields for one policy. */
export class Masking {
  #maskSelector: string;
  #allowSelector: string | null;

  /** Throws when a policy selector is not valid CSS: recording fails closed. */
  constructor(policy: Policy) {
    const mask = [SITE_MASK_SELECTOR, ...policy.mask_selectors];
    this.#maskSelector = checkedSelector(mask);
    this.#allowSelector = policy.private_by_default
      ? checkedSelector([SITE_ALLOW_SELECTOR, ...policy.allow_selectors])
      : null;
  }

  /** Selector of elements whose text rrweb passes to `maskText`. */
  get textSelector(): string {
    return this.#allowSelector === null ? this.#maskSelector : "*";
  }

  /** Whether a field's value is hidden from the agent. */
  hidesInput(element: Element | null): boolean {
    if (element === null) return true;
    if (isPassword(element)) return true;
    if (element.closest(this.#maskSelector) !== null) return true;
    return this.#allowSelector !== null && element.closest(this.#allowSelector) === null;
  }

  /** rrweb `maskInputFn`: the real value only for fields that are not hidden. */
  readonly maskInput = (text: string, element: HTMLElement | null): string =>
    this.hidesInput(element) ? MASK : text;

  /** rrweb `maskTextFn`: text inside masked (or not allowed) elements becomes the mask. */
  readonly maskText = (text: string, element: HTMLElement | null): string => {
    if (text.trim() === "") return text;
    if (element === null) return MASK;
    if (element.closest(this.#maskSelector) !== null) return MASK;
    if (this.#allowSelector !== null && element.closest(this.#allowSelector) === null) return MASK;
    return text;
  };

  /** Human names of up to `limit` form fields on the page that the agent cannot read, and
   * whether there are more. Asks the browser for the hidden fields only: walking every field
   * of a large page (10,000 inputs) took the customer's tab 70 ms. */
  hiddenFields(limit = HIDDEN_NAMES_SHOWN, root: ParentNode = document): { names: string[]; more: boolean } {
    const names = new Set<string>();
    const candidates =
      this.#allowSelector === null
        ? `input[type=password], [data-rr-is-password], :is(${this.#maskSelector}) :is(${FIELDS}), :is(${FIELDS}):is(${this.#maskSelector})`
        : FIELDS;
    for (const field of root.querySelectorAll<HTMLInputElement>(candidates)) {
      if (field.closest(DUET_UI_SELECTOR) !== null || field.type === "hidden" || !this.hidesInput(field)) continue;
      if (names.size === limit && !names.has(fieldName(field))) return { names: [...names], more: true };
      names.add(fieldName(field));
    }
    return { names: [...names], more: false };
  }
}

function isPassword(element: Element): boolean {
  return (
    (element instanceof HTMLInputElement && element.type === "password") ||
    element.hasAttribute("data-rr-is-password")
  );
}

/** Joins selectors into one, or throws when one is not valid CSS (callers fail closed). */
export function checkedSelector(selectors: string[]): string {
  const joined = selectors.join(", ");
  try {
    document.createDocumentFragment().querySelector(joined);
  } catch {
    throw new Error("The masking policy has a selector that is not valid CSS; nothing is shared until an administrator fixes it.");
  }
  return joined;
}

function fieldName(field: HTMLInputElement): string {
  const label = field.labels?.[0]?.textContent?.trim();
  if (label) return label;
  return field.getAttribute("aria-label") || field.placeholder || field.name || "a field";
}
