// Which `<label>`s name a field, without `field.labels`: Chromium finds an input's labels by
// walking its whole document on each call (0.25 ms a field at 10,000 elements, 1.7 ms at 80,000,
// measured by the browser bench's constrained-link run), and masking asks for every field of a
// snapshot, so a page of 10,000 inputs took 46 s to reach the agent. One index of the document's
// labels by the id their `for` names is kept instead, rebuilt only when the document changed
// since: a MutationObserver's pending records, taken synchronously at each question, say so, so
// the answer is always the document's as it is now (masking must never go by a stale one).

import { natives } from "../natives";

let index: Map<string, HTMLLabelElement[]> | null = null;
let observer: MutationObserver | null = null;

/** The labels of `field`, as `field.labels` lists them. */
export function labelsOf(field: Element): HTMLLabelElement[] {
  const root = field.getRootNode();
  // In a shadow root (rare), or where observing fails, ask the browser.
  if (root !== document || !watching()) return Array.from((field as HTMLInputElement).labels ?? []);
  const found: HTMLLabelElement[] = [];
  const id = field.id;
  if (id !== "") for (const label of byFor().get(id) ?? []) if (label.control === field) found.push(label);
  const around = field.parentElement?.closest("label");
  if (around && !around.hasAttribute("for") && around.control === field && !found.includes(around)) found.push(around);
  return found;
}

function watching(): boolean {
  if (observer !== null) return true;
  try {
    observer = new (natives().MutationObserver)(() => {
      index = null;
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["for", "id"] });
    return true;
  } catch {
    observer = null;
    return false;
  }
}

function byFor(): Map<string, HTMLLabelElement[]> {
  if (observer !== null && observer.takeRecords().length > 0) index = null;
  if (index !== null) return index;
  const built = new Map<string, HTMLLabelElement[]>();
  for (const label of Array.from(document.getElementsByTagName("label"))) {
    const target = label.htmlFor;
    if (target === "") continue;
    const list = built.get(target);
    if (list === undefined) built.set(target, [label]);
    else list.push(label);
  }
  index = built;
  return built;
}
