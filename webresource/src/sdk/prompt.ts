// The customer's side of write mode in the widget: the approval prompt with its countdown,
// "Take back control", and a brief highlight of what the agent acted on.

import { element, style } from "../dom";
import { natives } from "../natives";

/** How long the highlight of an agent's action stays, in milliseconds. */
export const HIGHLIGHT_MS = 700;
/** How often the countdown updates. */
const TICK_MS = 250;

/** What the customer answers; `revoke` takes write mode back. */
export interface ControlAnswers {
  answer(approved: boolean): void;
  revoke(): void;
}

/** The prompt, the revoke button and the highlight box. */
export class ControlPanel {
  readonly root: HTMLDivElement;
  #prompt: HTMLDivElement;
  #question: HTMLElement;
  #countdown: HTMLElement;
  #revoke: HTMLButtonElement;
  #highlight: HTMLDivElement;
  #deadline = 0;
  #tick: number | null = null;
  #highlightTimer: number | null = null;

  constructor(answers: ControlAnswers) {
    const approve = element("button", { type: "button", "data-testid": "cobrowse-approve" }, ["Allow"]);
    const deny = element("button", { type: "button", "data-testid": "cobrowse-deny" }, ["Deny"]);
    this.#question = element("p", { "data-testid": "cobrowse-request" });
    this.#countdown = element("small", { "data-testid": "cobrowse-countdown" });
    this.#prompt = element("div", { role: "alertdialog", "aria-label": "Control request" }, [
      this.#question,
      element("p", {}, ["They can click, type and scroll for you; they cannot submit forms or touch hidden fields."]),
      this.#countdown,
      element("div", {}, [approve, " ", deny]),
    ]);
    this.#revoke = element("button", { type: "button", "data-testid": "cobrowse-revoke" }, ["Take back control"]);
    this.root = element("div", {}, [this.#prompt, this.#revoke]);
    this.#highlight = element("div", { "data-duet-ui": "", "aria-hidden": "true" });
    natives().listen(approve, "click", () => this.#answer(answers, true));
    natives().listen(deny, "click", () => this.#answer(answers, false));
    natives().listen(this.#revoke, "click", () => answers.revoke());
    this.#applyStyles(approve, deny);
  }

  /** Puts the highlight box on the page (the rest lives in the widget). */
  mount(): void {
    document.body.append(this.#highlight);
  }

  /** Shows the agent's request with a countdown until it lapses. */
  ask(agentName: string, expiresInMs: number): void {
    this.#question.textContent = `${agentName} asks to control this page.`;
    this.#deadline = natives().dateNow() + Math.max(0, expiresInMs);
    this.#prompt.style.display = "block";
    this.#stopTick();
    this.#tick = natives().setInterval(() => this.#showCountdown(), TICK_MS);
    this.#showCountdown();
  }

  /** Hides the prompt (answered, lapsed, or the session ended). */
  hideRequest(): void {
    this.#stopTick();
    this.#prompt.style.display = "none";
  }

  /** Shows or hides "Take back control". */
  showWrite(write: boolean): void {
    this.#revoke.style.display = write ? "inline-block" : "none";
  }

  /** Outlines what the agent acted on, briefly. */
  highlight(target: Element): void {
    const box = target.getBoundingClientRect();
    style(this.#highlight, {
      display: "block", left: `${box.left - 3}px`, top: `${box.top - 3}px`,
      width: `${box.width + 6}px`, height: `${box.height + 6}px`,
    });
    if (this.#highlightTimer !== null) natives().clearTimeout(this.#highlightTimer);
    this.#highlightTimer = natives().setTimeout(() => (this.#highlight.style.display = "none"), HIGHLIGHT_MS);
  }

  /** Takes everything off the page (the session ended). */
  unmount(): void {
    this.hideRequest();
    if (this.#highlightTimer !== null) natives().clearTimeout(this.#highlightTimer);
    this.root.remove();
    this.#highlight.remove();
  }

  #answer(answers: ControlAnswers, approved: boolean): void {
    this.hideRequest();
    answers.answer(approved);
  }

  #showCountdown(): void {
    const left = Math.ceil((this.#deadline - natives().dateNow()) / 1000);
    if (left <= 0) {
      this.hideRequest();
      return;
    }
    this.#countdown.textContent = `This request lapses in ${left} s.`;
  }

  #stopTick(): void {
    if (this.#tick !== null) natives().clearInterval(this.#tick);
    this.#tick = null;
  }

  #applyStyles(approve: HTMLButtonElement, deny: HTMLButtonElement): void {
    const button = { color: "#fff", border: "0", borderRadius: "6px", padding: "6px 12px", cursor: "pointer", font: "inherit" };
    style(approve, { ...button, background: "#107c10" });
    style(deny, { ...button, background: "#605e5c" });
    style(this.#revoke, { ...button, background: "#8a3707", display: "none", marginBottom: "8px" });
    style(this.#prompt, { display: "none", borderTop: "1px solid #e1dfdd", margin: "8px 0", paddingTop: "4px" });
    style(this.#highlight, {
      display: "none", position: "fixed", pointerEvents: "none", zIndex: "2147483645",
      border: "3px solid rgba(232, 17, 35, .85)", borderRadius: "4px", boxSizing: "border-box",
    });
  }
}
