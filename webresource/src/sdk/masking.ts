// What the agent must never see, decided in the customer's browser before anything is sent.

import { natives } from "../natives";
import { labelsOf } from "./labels";
import type { Policy } from "../protocol";
import { hasTypedCardRun, holdsCardOrIban, redactCardsAndIbans } from "./numbers";
import { HINTED_FIELDS_SELECTOR, describesSecret, labelledByText, namesSecret, takesTypedDigits } from "./sensitive";

/** The constant every masked value becomes: it never reveals the length. */
export const MASK = "••••••";
/** Elements the site marks as private. */
export const SITE_MASK_SELECTOR = "[data-duet-mask]";
/** Elements the site marks as shown whatever Duet's own guesses say (passwords and
 * `data-duet-mask` stay masked). */
export const SITE_UNMASK_SELECTOR = "[data-duet-unmask]";
/** Elements the site marks as shown under private-by-default. */
export const SITE_ALLOW_SELECTOR = "[data-duet-allow]";
/** Duet's own widget, never recorded. */
export const DUET_UI_SELECTOR = "[data-duet-ui]";
/** Form fields, whose values rrweb records. */
const FIELDS = "input, textarea, select";
/** How many hidden fields the widget names before it says "and others". */
export const HIDDEN_NAMES_SHOWN = 5;
/** Longest wait before the widget's list of hidden fields follows a field hidden for its value. */
const HIDDEN_LIST_DELAY_MS = 200;

/** The rrweb masking options and the list of hidden fields for one policy.
 *
 * A field is hidden when it is a password, inside `data-duet-mask` or `mask_selectors` (or, when
 * private by default, outside what is allowed); else, unless it is inside `data-duet-unmask` or
 * `unmask_selectors`, when Duet guesses it holds a secret: by what it says it is (`sensitive.ts`),
 * or by what it holds (`numbers.ts`): a whole card number or IBAN, or, in a field people type
 * into, four digits in a row. That last rule is what keeps a card number typed key by key into a
 * field named "notes" from leaving digit by digit: its prefixes are not Luhn-valid, so a checksum
 * alone would send "4111 1111 1111 111" before masking the last key. From the fourth digit in a
 * row the value is masked, so at most three digits of it are ever sent, and no group of four. The
 * price is that postcodes and phone numbers in plain fields are hidden too, unless they say what
 * they are (`autocomplete="postal-code"`, `"tel"`…) or the site unmasks them. A field that once
 * held a whole card number or IBAN stays hidden. Text anywhere has its card numbers and IBANs
 * replaced by the mask. */
export class Masking {
  #maskSelector: string;
  #unmaskSelector: string;
  #allowSelector: string | null;
  /** Fields hidden now for what they hold, not what they are: the widget lists them too. */
  #hiddenByValue = new Set<Element>();
  /** Fields that once held a whole card number or IBAN. */
  #heldSecret = new WeakSet<Element>();
  #onHiddenChange: (() => void) | null = null;
  #changeQueued = false;

  /** Throws when a policy selector is not valid CSS: recording fails closed. */
  constructor(policy: Policy) {
    this.#maskSelector = checkedSelector([SITE_MASK_SELECTOR, ...policy.mask_selectors]);
    this.#unmaskSelector = checkedSelector([SITE_UNMASK_SELECTOR, ...policy.unmask_selectors]);
    this.#allowSelector = policy.private_by_default
      ? checkedSelector([SITE_ALLOW_SELECTOR, ...policy.allow_selectors])
      : null;
  }

  /** Selector of elements whose text rrweb passes to `maskText`: all of them, since card
   * numbers and IBANs are looked for in any text. */
  get textSelector(): string {
    return "*";
  }

  /** Calls `listener` soon after fields start or stop being hidden for their value. */
  watchHidden(listener: () => void): void {
    this.#onHiddenChange = listener;
  }

  /** Whether a field's value is hidden from the agent. */
  hidesInput(element: Element | null): boolean {
    return element === null || this.#hides(element, valueOf(element));
  }

  /** rrweb `maskInputFn`, called for every value it records: at each snapshot and on every
   * input event, so a value is judged again at each key; for an option's value, by its select. */
  readonly maskInput = (text: string, element: HTMLElement | null): string => {
    // An option's value is its select's: hidden exactly when the select's value is.
    if (element?.tagName === "OPTION") return this.hidesInput(element.closest("select")) ? MASK : text;
    return element === null || this.#hides(element, text) ? MASK : text;
  };

  /** rrweb `maskTextFn`: text inside masked (or not allowed) elements becomes the mask; card
   * numbers and IBANs in any other text do. */
  readonly maskText = (text: string, element: HTMLElement | null): string => {
    if (text.trim() === "") return text;
    if (element === null || this.hidesElement(element)) return MASK;
    if (element.tagName === "TEXTAREA" && this.hidesInput(element)) return MASK;
    const redacted = redactCardsAndIbans(text, MASK);
    return redacted === text || closestAcrossShadows(element, this.#unmaskSelector) !== null ? text : redacted;
  };

  /** Whether everything inside `element` is hidden from the agent: it is inside the mask
   * selectors, or outside what is allowed under private-by-default. Its text becomes the mask,
   * and an image Duet would send itself (`blobimages.ts`) is not sent. */
  hidesElement(element: Element): boolean {
    if (closestAcrossShadows(element, this.#maskSelector) !== null) return true;
    return this.#allowSelector !== null && closestAcrossShadows(element, this.#allowSelector) === null;
  }

  /** Human names of up to `limit` form fields on the page that the agent cannot read, and
   * whether there are more. Asks the browser for the candidate fields only: walking every field
   * of a large page (10,000 inputs) took the customer's tab 70 ms. */
  hiddenFields(limit = HIDDEN_NAMES_SHOWN, root: ParentNode = document): { names: string[]; more: boolean } {
    const names = new Set<string>();
    for (const field of this.#candidates(root)) {
      if (field.closest(DUET_UI_SELECTOR) !== null || (field as HTMLInputElement).type === "hidden" || !this.hidesInput(field)) continue;
      if (names.size === limit && !names.has(fieldName(field))) return { names: [...names], more: true };
      names.add(fieldName(field));
    }
    return { names: [...names], more: false };
  }

  #hides(element: Element, value: string): boolean {
    if (isPassword(element)) return true;
    if (closestAcrossShadows(element, this.#maskSelector) !== null) return true;
    if (this.#allowSelector !== null && closestAcrossShadows(element, this.#allowSelector) === null) return true;
    // Duet's own guesses are about form fields, and give way to the site's word.
    if (!element.matches(FIELDS) || closestAcrossShadows(element, this.#unmaskSelector) !== null) return false;
    return this.#hidesValue(element, value) || describesSecret(element);
  }

  #hidesValue(element: Element, value: string): boolean {
    if (holdsCardOrIban(value.toUpperCase())) this.#heldSecret.add(element);
    const hidden = this.#heldSecret.has(element) || (takesTypedDigits(element) && hasTypedCardRun(value));
    if (hidden !== this.#hiddenByValue.has(element)) {
      if (hidden) this.#hiddenByValue.add(element);
      else this.#hiddenByValue.delete(element);
      this.#hiddenChanged();
    }
    return hidden;
  }

  // In a task of its own, at most once per delay: a sliced snapshot of a large page may hide
  // fields in every slice, and listing them reads the page (20 ms at 80,000 elements).
  #hiddenChanged(): void {
    if (this.#changeQueued || this.#onHiddenChange === null) return;
    this.#changeQueued = true;
    natives().setTimeout(() => {
      this.#changeQueued = false;
      this.#onHiddenChange?.();
    }, HIDDEN_LIST_DELAY_MS);
  }

  /** Fields that may be hidden, in document order. The browser finds the fields whose
   * attributes hint at a secret; masked subtrees and telling labels are few, and read here. */
  #candidates(root: ParentNode): Element[] {
    const fields = root.querySelectorAll(FIELDS);
    if (this.#allowSelector !== null) return [...fields];
    const found = new Set<Element>(root.querySelectorAll(HINTED_FIELDS_SELECTOR));
    for (const masked of root.querySelectorAll(this.#maskSelector)) {
      if (masked.matches(FIELDS)) found.add(masked);
      for (const field of masked.querySelectorAll(FIELDS)) found.add(field);
    }
    for (const label of root.querySelectorAll("label")) {
      if (label.control?.matches(FIELDS) && namesSecret(label.textContent ?? "")) found.add(label.control);
    }
    for (const field of this.#hiddenByValue) {
      if (field.isConnected) found.add(field);
      else this.#hiddenByValue.delete(field);
    }
    return found.size === 0 ? [] : [...fields].filter((field) => found.has(field));
  }
}

// Tag names, not instanceof: fields in same-origin frames are another window's elements.
function isPassword(element: Element): boolean {
  return (
    (element.tagName === "INPUT" && (element as HTMLInputElement).type === "password") ||
    element.hasAttribute("data-rr-is-password")
  );
}

function valueOf(element: Element): string {
  const value = (element as Partial<HTMLInputElement>).value;
  return typeof value === "string" ? value : "";
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

function fieldName(field: Element): string {
  const label = labelsOf(field)[0]?.textContent?.trim();
  if (label) return label;
  return (
    field.getAttribute("aria-label") || labelledByText(field) || field.getAttribute("placeholder") || field.getAttribute("name") || "a field"
  );
}

/** `element.closest(selector)`, going on from each shadow root to its host: a field or text in an
 * open shadow root inside a masked element is masked too. */
export function closestAcrossShadows(element: Element, selector: string): Element | null {
  let from: Element | null = element;
  while (from !== null) {
    const found = from.closest(selector);
    if (found !== null) return found;
    const root = from.getRootNode();
    from = root instanceof ShadowRoot ? root.host : null;
  }
  return null;
}
