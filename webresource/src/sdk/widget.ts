// The customer's Duet widget: start button, session code, status, hidden fields, Exit, agent pointer.
// Everything here carries data-duet-ui, so rrweb never records it.

import { element, style } from "../dom";
import { natives } from "../natives";
import type { SessionState } from "../protocol";

const ACCENT = "#0f6cbd";
/** Size of the agent's pointer dot, in CSS pixels. */
const POINTER_SIZE_PX = 18;

/** The widget's DOM and its small state display. */
export class Widget {
  #root: HTMLDivElement;
  #startButton: HTMLButtonElement;
  #panel: HTMLDivElement;
  #code: HTMLElement;
  #status: HTMLElement;
  #hidden: HTMLElement;
  #recorded: HTMLElement;
  #exit: HTMLButtonElement;
  #pointer: HTMLDivElement;

  constructor(showStart: boolean, onStart: () => void, onExit: () => void) {
    this.#startButton = element("button", { type: "button", "data-testid": "cobrowse-start" }, ["Browse with agent"]);
    this.#code = element("strong", { "data-testid": "cobrowse-code" });
    this.#status = element("p", { "data-testid": "cobrowse-status", "data-state": "idle", role: "status" });
    this.#hidden = element("p");
    this.#recorded = element("p", { "data-testid": "cobrowse-recorded", hidden: "" }, [
      "What the agent sees is recorded, for quality and disputes; it is never shared with anyone else.",
    ]);
    this.#exit = element("button", { type: "button", "data-testid": "cobrowse-exit" }, ["Exit"]);
    this.#panel = element("div", {}, [
      element("p", {}, ["Your session code: ", this.#code]),
      this.#status,
      this.#hidden,
      this.#recorded,
      this.#exit,
    ]);
    this.#pointer = element("div", { "data-duet-ui": "", "aria-hidden": "true", title: "Agent's pointer" });
    this.#root = element("div", { "data-duet-ui": "", "data-testid": "cobrowse-widget", role: "region", "aria-label": "Co-browse" }, [
      this.#startButton,
      this.#panel,
    ]);
    this.#applyStyles(showStart);
    natives().listen(this.#startButton, "click", onStart);
    natives().listen(this.#exit, "click", onExit);
  }

  /** Puts the widget on the page. */
  mount(): void {
    document.body.append(this.#root, this.#pointer);
  }

  /** Shows the running session's code with a state. */
  showSession(code: string): void {
    this.#code.textContent = code;
    this.#startButton.style.display = "none";
    this.#panel.style.display = "block";
    this.#exit.disabled = false;
  }

  /** Shows the state and a sentence for the customer. */
  showStatus(state: SessionState, message: string): void {
    this.#status.dataset["state"] = state;
    this.#status.textContent = message;
    this.#exit.disabled = state === "ended";
    if (state === "ended") {
      this.#startButton.style.display = this.#startButton.dataset["wanted"] === "yes" ? "block" : "none";
      this.#startButton.textContent = "Browse with agent again";
      this.hidePointer();
    }
  }

  /** Says whether what the agent sees is recorded (the tenant's policy). */
  showRecorded(recorded: boolean): void {
    this.#recorded.hidden = !recorded;
  }

  /** Says which fields the agent cannot read. */
  showHidden(hidden: { names: string[]; more: boolean }): void {
    const names = hidden.more ? [...hidden.names, "and others"] : hidden.names;
    this.#hidden.textContent = names.length === 0 ? "" : `Hidden from the agent: ${names.join(", ")}`;
  }

  /** Shows an error sentence without changing the session state. */
  showProblem(message: string): void {
    this.#panel.style.display = "block";
    this.#status.textContent = message;
  }

  /** Adds the write-mode controls above the Exit button. */
  addControls(controls: HTMLElement): void {
    this.#panel.insertBefore(controls, this.#exit);
  }

  /** Counts an agent action on the widget (`data-duet-applied` / `data-duet-refused`), for people and tests. */
  countAction(applied: boolean, reason = ""): void {
    const name = applied ? "duetApplied" : "duetRefused";
    this.#root.dataset[name] = String(Number(this.#root.dataset[name] ?? "0") + 1);
    if (!applied) this.#root.dataset["duetLastRefusal"] = reason;
  }

  /** Moves the agent's pointer to viewport coordinates. */
  movePointer(x: number, y: number): void {
    this.#pointer.style.display = "block";
    this.#pointer.style.transform = `translate(${x - POINTER_SIZE_PX / 2}px, ${y - POINTER_SIZE_PX / 2}px)`;
  }

  /** Hides the agent's pointer. */
  hidePointer(): void {
    this.#pointer.style.display = "none";
  }

  #applyStyles(showStart: boolean): void {
    this.#startButton.dataset["wanted"] = showStart ? "yes" : "no";
    style(this.#root, {
      position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483646", maxWidth: "280px",
      font: "14px/1.4 system-ui, sans-serif", color: "#201f1e",
    });
    const button = { background: ACCENT, color: "#fff", border: "0", borderRadius: "6px", padding: "8px 14px", cursor: "pointer", font: "inherit" };
    style(this.#startButton, { ...button, display: showStart ? "block" : "none", boxShadow: "0 2px 8px rgba(0,0,0,.25)" });
    style(this.#exit, { ...button, background: "#a4262c" });
    style(this.#code, { fontSize: "18px", letterSpacing: "2px" });
    style(this.#panel, {
      display: "none", background: "#fff", border: `2px solid ${ACCENT}`, borderRadius: "8px",
      padding: "10px 14px", boxShadow: "0 2px 12px rgba(0,0,0,.25)",
    });
    style(this.#pointer, {
      display: "none", position: "fixed", left: "0", top: "0", width: `${POINTER_SIZE_PX}px`,
      height: `${POINTER_SIZE_PX}px`, borderRadius: "50%", background: "rgba(232, 17, 35, .75)",
      border: "2px solid #fff", boxShadow: "0 0 4px rgba(0,0,0,.5)", pointerEvents: "none",
      zIndex: "2147483647",
    });
  }
}
