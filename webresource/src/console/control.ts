// The agent's side of write mode: ask, wait, and show whether the customer said yes, said no,
// or let the request lapse; hand control back. The server and the customer's script decide.

import type { ClientMsg, ControlMode } from "../protocol";
import type { ConsoleUi } from "./ui";

/** How long the customer has to answer (the server's default), in milliseconds. */
export const CONTROL_REQUEST_MS = 30_000;
/** A request that ends this close to its deadline lapsed rather than being denied. */
const LAPSE_MARGIN_MS = 1_500;

/** Tracks the control request and mode for one session. */
export class AgentControl {
  #ui: ConsoleUi;
  #mode: ControlMode = "pointer";
  #pending = false;
  #askedAt = 0;
  #live = false;

  constructor(ui: ConsoleUi, send: (msg: ClientMsg) => void) {
    this.#ui = ui;
    ui.requestControl.onclick = () => {
      this.#askedAt = Date.now();
      ui.control("pending", "Waiting for the customer to allow control…");
      send({ type: "control_request" });
    };
    ui.releaseControl.onclick = () => send({ type: "control_revoke" });
    ui.control("none", "");
    ui.mode("pointer", false);
  }

  /** The latest `state`: returns the mode for the mirror. */
  onState(active: boolean, mode: ControlMode, pending: boolean): ControlMode {
    const wasPending = this.#pending;
    const wasWrite = this.#mode === "write";
    this.#live = active;
    this.#mode = mode;
    this.#pending = pending;
    if (mode === "write") this.#ui.control("write", "You can click, type and scroll on the customer's page. Submit buttons and hidden fields stay theirs.");
    else if (pending) this.#ui.control("pending", "Waiting for the customer to allow control…");
    else if (wasWrite) this.#ui.control("none", "Control is back with the customer.");
    else if (wasPending) this.#answered();
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

  #answered(): void {
    const waited = Date.now() - this.#askedAt;
    const asked = this.#askedAt !== 0;
    this.#askedAt = 0;
    if (!asked) {
      this.#ui.control("none", "");
    } else if (waited >= CONTROL_REQUEST_MS - LAPSE_MARGIN_MS) {
      this.#ui.control("lapsed", "The customer did not answer in time. Ask again if you still need control.");
    } else {
      this.#ui.control("denied", "The customer declined. You can keep pointing, or ask again later.");
    }
  }
}
