// Carries out an agent action the rules allowed, as synthetic events (isTrusted is false), with
// form submission and unsafe link navigation blocked for as long as the page handles it.

import { natives } from "../natives";
import type { AgentAction } from "../protocol";
import { MAX_SCROLL_PX } from "./rules";

/** Finds an action's target: the rrweb node id first, then the viewport coordinates. */
export function resolveTarget(action: AgentAction, nodeById: (id: number) => Node | null): Element | null {
  if (action.id !== undefined) {
    const node = nodeById(action.id);
    const element = node === null ? null : node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
    if (element !== null && element.isConnected && element.ownerDocument === document) return element;
  }
  if (action.x === undefined || action.y === undefined) return null;
  if (!Number.isFinite(action.x) || !Number.isFinite(action.y)) return null;
  return document.elementFromPoint(action.x, action.y);
}

/** Replays one allowed action on `target` (null for scroll and navigate). */
export function replay(action: AgentAction, target: Element | null): void {
  const next: { href: string | null } = { href: null };
  guarded((href) => (next.href = href), () => {
    switch (action.kind) {
      case "click":
        if (target !== null) click(target, action);
        break;
      case "input":
      case "select":
        if (target !== null) setValue(target, action.value ?? "");
        break;
      case "key":
        if (target !== null) press(target, action.key ?? "");
        break;
      case "scroll":
        window.scrollBy(clamp(action.dx), clamp(action.dy));
        break;
      case "navigate":
        next.href = new URL(action.value ?? "", location.href).href;
        break;
    }
  });
  if (next.href !== null) location.assign(next.href);
}

function click(target: Element, action: AgentAction): void {
  if (target instanceof HTMLElement) target.focus({ preventScroll: true });
  const box = target.getBoundingClientRect();
  const init: MouseEventInit = {
    bubbles: true, cancelable: true, composed: true, view: window, button: 0,
    clientX: action.x ?? box.left + box.width / 2,
    clientY: action.y ?? box.top + box.height / 2,
  };
  target.dispatchEvent(new MouseEvent("mousedown", init));
  target.dispatchEvent(new MouseEvent("mouseup", init));
  target.dispatchEvent(new MouseEvent("click", init));
}

// The prototype's setter, so frameworks that track values (React) see the change.
function setValue(target: Element, value: string): void {
  const proto =
    target instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
    : target instanceof HTMLSelectElement ? HTMLSelectElement.prototype
    : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
  if (setter === undefined) return;
  if (target instanceof HTMLElement) target.focus({ preventScroll: true });
  setter.call(target, value);
  target.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
  target.dispatchEvent(new Event("change", { bubbles: true }));
}

function press(target: Element, key: string): void {
  const init: KeyboardEventInit = { key, bubbles: true, cancelable: true, composed: true };
  target.dispatchEvent(new KeyboardEvent("keydown", init));
  target.dispatchEvent(new KeyboardEvent("keyup", init));
}

function clamp(step: number | undefined): number {
  const n = step ?? 0;
  return Number.isFinite(n) ? Math.max(-MAX_SCROLL_PX, Math.min(MAX_SCROLL_PX, n)) : 0;
}

/** Runs `act` with form submission blocked and link clicks turned into safe same-site moves. */
function guarded(follow: (href: string) => void, act: () => void): void {
  const proto = HTMLFormElement.prototype;
  const { submit, requestSubmit } = proto;
  const blockSubmit = (event: Event): void => {
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  // Bubbling on window: runs after the page's own handlers, so in-page routers still work.
  const guardLink = (event: MouseEvent): void => {
    const link = event.target instanceof Element ? event.target.closest("a[href], area[href]") : null;
    if (link === null || event.defaultPrevented) return;
    event.preventDefault();
    const href = sameSiteHref(link.getAttribute("href") ?? "", link.getAttribute("target"));
    if (href !== null) follow(href);
  };
  natives().listen(window, "submit", blockSubmit, true);
  natives().listen(window, "click", guardLink);
  proto.submit = function blockedSubmit(): void {};
  proto.requestSubmit = function blockedRequestSubmit(): void {};
  try {
    act();
  } finally {
    proto.submit = submit;
    proto.requestSubmit = requestSubmit;
    natives().unlisten(window, "submit", blockSubmit, true);
    natives().unlisten(window, "click", guardLink);
  }
}

function sameSiteHref(raw: string, target: string | null): string | null {
  if (target !== null && target !== "" && target !== "_self") return null;
  try {
    const url = new URL(raw, location.href);
    const web = url.protocol === "http:" || url.protocol === "https:";
    return web && url.origin === location.origin ? url.href : null;
  } catch {
    return null;
  }
}
