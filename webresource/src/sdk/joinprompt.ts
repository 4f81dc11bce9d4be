// The customer's answer to an agent who asks to join a session another agent already holds, or a
// supervisor who asks to step in or to watch: who asks for what, Allow and Deny. Until the
// customer allows, they see nothing of the page.

import { element, style } from "../dom";
import { natives } from "../natives";
import type { JoinRequest } from "../protocol";

/** Sends the customer's answer for the agent with this handle. */
export type JoinAnswer = (agent: string, approved: boolean) => void;

/** The prompt for the oldest request still waiting; the next one shows once it is answered. */
export class JoinPrompt {
  readonly root: HTMLDivElement;
  #question: HTMLElement;
  #asking: JoinRequest | null = null;

  constructor(answer: JoinAnswer) {
    const allow = element("button", { type: "button", "data-testid": "cobrowse-join-allow" }, ["Allow"]);
    const deny = element("button", { type: "button", "data-testid": "cobrowse-join-deny" }, ["Deny"]);
    this.#question = element("p", { "data-testid": "cobrowse-join-request" });
    this.root = element("div", { role: "alertdialog", "aria-label": "Someone from support asks to join" }, [
      this.#question,
      element("p", {}, ["If you allow it, they see this page too (not the hidden fields)."]),
      element("div", {}, [allow, " ", deny]),
    ]);
    natives().listen(allow, "click", () => this.#answer(answer, true));
    natives().listen(deny, "click", () => this.#answer(answer, false));
    const button = { color: "#fff", border: "0", borderRadius: "6px", padding: "6px 12px", cursor: "pointer", font: "inherit" };
    style(allow, { ...button, background: "#107c10" });
    style(deny, { ...button, background: "#605e5c" });
    style(this.root, { display: "none", borderTop: "1px solid #e1dfdd", margin: "8px 0", paddingTop: "4px" });
  }

  /** Shows the oldest waiting request from the latest `state`, or nothing. */
  show(requests: JoinRequest[]): void {
    this.#asking = requests[0] ?? null;
    if (this.#asking === null) {
      this.root.style.display = "none";
      return;
    }
    this.#question.textContent = question(this.#asking);
    this.root.style.display = "block";
  }

  /** Takes the prompt off the page (the session ended). */
  unmount(): void {
    this.root.remove();
  }

  #answer(answer: JoinAnswer, approved: boolean): void {
    if (this.#asking === null) return;
    answer(this.#asking.agent, approved);
    this.root.style.display = "none";
  }
}

/** What the customer is asked, by what the person asks for. */
function question(request: JoinRequest): string {
  switch (request.ask) {
    case "watch":
      return `${request.name}, a supervisor, asks to watch this page with you. They can only look, not act.`;
    case "step_in":
      return `${request.name}, a supervisor, asks to step in: to join and see this page, and to help like an agent.`;
    default:
      return `${request.name} from support asks to join and see this page.`;
  }
}
