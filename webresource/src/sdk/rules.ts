// Which agent actions this page allows. Decided here, in the customer's browser, whatever the
// server forwarded: the agent's client may be hostile, so every action is checked on arrival.

import type { AgentAction, ControlMode, Policy } from "../protocol";
import { DUET_UI_SELECTOR, checkedSelector, type Masking } from "./masking";

/** Elements the site marks as never controllable by the agent. */
export const NO_CONTROL_SELECTOR = "[data-duet-no-control]";
/** Largest scroll step one action may ask for, in CSS pixels. */
export const MAX_SCROLL_PX = 5_000;

/** Input types whose value an agent may set. */
const TEXT_INPUT_TYPES: ReadonlySet<string> = new Set([
  "text", "search", "email", "tel", "url", "number", "date", "time", "datetime-local", "month", "week",
]);

/** The outcome for one action: the element to act on, or why not. */
export type Verdict = { ok: true; target: Element | null } | { ok: false; reason: string };

const refuse = (reason: string): Verdict => ({ ok: false, reason });

/** The tenant's control rules plus Duet's fixed ones. */
export class ControlRules {
  #masking: Masking;
  #restricted: string;

  /** Throws when a restricted selector is not valid CSS: then nothing is allowed. */
  constructor(policy: Policy, masking: Masking) {
    this.#masking = masking;
    this.#restricted = checkedSelector([NO_CONTROL_SELECTOR, ...policy.restricted_selectors]);
  }

  /** Judges `action` in `mode`; `target` is what the action's id or coordinates resolved to. */
  judge(mode: ControlMode, action: AgentAction, target: Element | null): Verdict {
    if (mode !== "write") return refuse("the agent is not in write mode");
    if (action.kind === "scroll") return scrollVerdict(action);
    if (action.kind === "navigate") return navigateVerdict(action.value);
    if (target === null) return refuse("the action names no element on this page");
    // A click on a label acts on its control as well: both must pass.
    const control = action.kind === "click" ? labelledControl(target) : null;
    for (const element of control === null ? [target] : [target, control]) {
      const refusal = this.#refusal(action, element);
      if (refusal !== null) return refuse(refusal);
    }
    return { ok: true, target };
  }

  #refusal(action: AgentAction, target: Element): string | null {
    if (target.closest(DUET_UI_SELECTOR) !== null) return "Duet's own controls are the customer's";
    if (target.closest(this.#restricted) !== null) return "the site does not let agents act on this element";
    if (this.#masking.hidesInput(target)) return "a hidden field cannot be read or changed by the agent";
    if (target.matches(":disabled")) return "the element is disabled";
    if (isSubmitControl(target)) return "agents cannot submit forms";
    switch (action.kind) {
      case "click":
        return null;
      case "input":
        return isTextField(target) ? null : "only text fields take typed text";
      case "select":
        return selectRefusal(target, action.value);
      case "key":
        return keyRefusal(target, action.key);
      default:
        return "unknown action";
    }
  }
}

/** `button[type=submit]`, a button without a valid type in a form, `input[type=submit|image]`. */
export function isSubmitControl(element: Element): boolean {
  const control = element.closest("button, input");
  if (control instanceof HTMLInputElement) return control.type === "submit" || control.type === "image";
  if (!(control instanceof HTMLButtonElement)) return false;
  const type = control.getAttribute("type")?.trim().toLowerCase() ?? null;
  if (type === "submit") return true;
  return type !== "button" && type !== "reset" && control.form !== null;
}

function labelledControl(target: Element): Element | null {
  const label = target.closest("label");
  return label?.control ?? null;
}

function isTextField(target: Element): boolean {
  if (target instanceof HTMLTextAreaElement) return !target.readOnly;
  return target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type) && !target.readOnly;
}

function selectRefusal(target: Element, value: string | undefined): string | null {
  if (!(target instanceof HTMLSelectElement)) return "only a list of choices takes a choice";
  const option = [...target.options].find((o) => o.value === value);
  if (option === undefined) return "that choice is not in the list";
  return option.disabled ? "that choice is disabled" : null;
}

// Synthetic keys do not type text (input actions do); Enter in a form could submit it.
function keyRefusal(target: Element, key: string | undefined): string | null {
  if (key === undefined || key === "") return "a key action needs a key";
  const inForm = target.closest("form") !== null || target.matches("input, textarea, select, button");
  if ((key === "Enter" || key === " ") && inForm) return "Enter in a form could submit it";
  return null;
}

function scrollVerdict(action: AgentAction): Verdict {
  const steps = [action.dx ?? 0, action.dy ?? 0];
  if (steps.some((n) => !Number.isFinite(n) || Math.abs(n) > MAX_SCROLL_PX)) return refuse("that scroll is too far");
  return { ok: true, target: null };
}

function navigateVerdict(value: string | undefined): Verdict {
  let url: URL;
  try {
    url = new URL(value ?? "", location.href);
  } catch {
    return refuse("that is not an address");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return refuse("only web addresses can be opened");
  if (url.origin !== location.origin) return refuse("the agent can only open pages of this site");
  return { ok: true, target: null };
}
