// The agent's side of write mode: ask, wait, and show whether the customer said yes, said no,
// or let the request lapse; hand control back. The server and the customer's script decide.

import type { ClientMsg, ControlMode, ControlOutcome } from "../protocol";
import type { ConsoleUi } from "./ui";

/** Tracks the control request and mode for one session. */
export class AgentControl {
  #ui: ConsoleUi;
  #mode: ControlMode = "pointer";
  #pending = false;
  #live = false;

  constructor(ui: ConsoleUi, send: (msg: ClientMsg) => void) {
    this.#ui = ui;
    ui.requestControl.onclick = () => {
      ui.control("pending", "Waiting for the customer to allow control…");
      send({ type: "control_request" });
    };
    ui.releaseControl.onclick = () => send({ type: "control_revoke" });
    ui.control("none", "");
    ui.mode("pointer", false);
  }

  /** The latest `state`: returns the mode for the mirror. */
  onState(active: boolean, mode: ControlMode, pending: boolean, outcome: ControlOutcome | null): ControlMode {
    const wasPending = this.#pending;
    const wasWrite = this.#mode === "write";
    this.#live = active;
    this.#mode = mode;
    this.#pending = pending;
    if (mode === "write") this.#ui.control("write", "You can click, type and scroll on the customer's page. Submit buttons and hidden fields stay theirs.");
    else if (pending) this.#ui.control("pending", "Waiting for the customer to allow control…");
    else if (wasWrite) this.#ui.control("none", "Control is back with the customer.");
    else if (wasPending) this.#answered(outcome);
    this.#ui.mode(mode, active);
    return mode;
  }

  /** The session ended. */
  end(): void {
    this.#live = false;
    this.#mode = "pointer";
    this.#pending = false;
    this.#ui.control("none", "");
    this.#ui.mode("pointer", false);
  }

  /** Whether the agent may act now. */
  get write(): boolean {
    return this.#live && this.#mode === "write";
  }

  /** The server says how the request ended; nothing is guessed from timing. */
  #answered(outcome: ControlOutcome | null): void {
    if (outcome === "lapsed") {
      this.#ui.control("lapsed", "The customer did not answer in time. Ask again if you still need control.");
    } else if (outcome === "denied") {
      this.#ui.control("denied", "The customer declined. You can keep pointing, or ask again later.");
    } else {
      this.#ui.control("none", "");
    }
  }
}
