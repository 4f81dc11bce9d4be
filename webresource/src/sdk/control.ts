// Write mode on the customer's side: the prompt, the mode from the last `state`, and each agent
// action judged by this page's rules before anything happens.

import { record } from "@rrweb/record";
import type { AgentAction, ClientMsg, ControlMode, Policy } from "../protocol";
import type { Masking } from "./masking";
import { ControlPanel } from "./prompt";
import { replay, resolveTarget } from "./replay";
import { ControlRules } from "./rules";
import type { Widget } from "./widget";

/** The customer's control of the page during one session. */
export class CustomerControl {
  #widget: Widget;
  #panel: ControlPanel;
  #rules: ControlRules | null = null;
  #mode: ControlMode = "pointer";
  /** The handle of the agent the customer gave control to (from the latest `state`). */
  #holder: string | null = null;

  constructor(widget: Widget, send: (msg: ClientMsg) => void) {
    this.#widget = widget;
    this.#panel = new ControlPanel({
      answer: (approved) => send({ type: "control_answer", approved }),
      revoke: () => send({ type: "control_revoke" }),
    });
    widget.addControls(this.#panel.root);
    this.#panel.mount();
  }

  /** Takes the tenant's rules; a broken policy leaves the agent unable to act at all. */
  usePolicy(policy: Policy, masking: Masking): void {
    try {
      this.#rules = new ControlRules(policy, masking);
    } catch {
      this.#rules = null;
    }
  }

  /** The mode, the agent in control and the pending request from the latest `state`. */
  onState(mode: ControlMode, pending: boolean, holder: string | null): void {
    this.#mode = mode;
    this.#holder = mode === "write" ? holder : null;
    this.#panel.showWrite(mode === "write");
    if (!pending) this.#panel.hideRequest();
  }

  /** An agent asks for write mode. */
  onRequested(agentName: string, expiresInMs: number): void {
    this.#panel.ask(agentName, expiresInMs);
  }

  /** An agent's action: replayed only when it comes from the agent in control and this page's
   * rules allow it. Duet refuses anyone else's actions already; this page checks again. */
  onAction(action: AgentAction, from: string): void {
    if (this.#holder === null || from !== this.#holder) {
      this.#widget.countAction(false, "the action came from an agent who does not have control");
      return;
    }
    const target = resolveTarget(action, (id) => record.mirror.getNode(id));
    const verdict =
      this.#rules === null
        ? { ok: false as const, reason: "the control policy could not be read" }
        : this.#rules.judge(this.#mode, action, target);
    if (!verdict.ok) {
      this.#widget.countAction(false, verdict.reason);
      return;
    }
    if (verdict.target !== null) this.#panel.highlight(verdict.target);
    replay(action, verdict.target);
    this.#widget.countAction(true);
  }

  /** The session ended: no more write mode, nothing left on the page. */
  end(): void {
    this.#mode = "pointer";
    this.#holder = null;
    this.#rules = null;
    this.#panel.unmount();
  }
}
