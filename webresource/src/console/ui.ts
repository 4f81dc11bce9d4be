// The console's fixed elements (from templates/console.html) and what they show.

import { byTestId } from "../dom";
import type { ControlMode, SessionState } from "../protocol";

/** Handles on the console's markup. */
export class ConsoleUi {
  readonly signinForm = document.getElementById("signin") as HTMLFormElement;
  readonly name = byTestId<HTMLInputElement>("agent-name");
  readonly signin = byTestId<HTMLButtonElement>("agent-signin");
  readonly microsoftForm = document.getElementById("signin-microsoft") as HTMLFormElement;
  readonly microsoft = byTestId<HTMLButtonElement>("agent-signin-microsoft");
  readonly joinForm = document.getElementById("join") as HTMLFormElement;
  readonly code = byTestId<HTMLInputElement>("agent-code");
  readonly join = byTestId<HTMLButtonElement>("agent-join");
  readonly pending = byTestId<HTMLButtonElement>("agent-pending");
  readonly end = byTestId<HTMLButtonElement>("agent-end");
  readonly requestControl = byTestId<HTMLButtonElement>("agent-request-control");
  readonly releaseControl = byTestId<HTMLButtonElement>("agent-release-control");
  readonly stage = document.getElementById("stage") as HTMLElement;
  readonly screenshare = document.getElementById("screenshare") as HTMLElement;
  #status = byTestId("agent-status");
  #message = byTestId("agent-message");
  #control = byTestId("agent-control");
  #tabs = byTestId("customer-tabs");
  #tabNotice = "";
  #who = document.getElementById("who") as HTMLElement;

  /** Shows the session's state and a sentence. */
  status(state: SessionState, text: string): void {
    this.#status.dataset["state"] = state;
    this.#status.textContent = text;
    this.end.disabled = state === "ended";
  }

  /** Shows pointer or write mode on the status (`data-mode`) and the control buttons. */
  mode(mode: ControlMode, canAsk: boolean): void {
    this.#status.dataset["mode"] = mode;
    this.requestControl.hidden = mode === "write" || !canAsk;
    this.releaseControl.hidden = mode !== "write";
  }

  /** Shows where a control request stands (`data-control`: none, pending, denied, lapsed, write). */
  control(state: "none" | "pending" | "denied" | "lapsed" | "write", text: string): void {
    this.#control.dataset["control"] = state;
    this.#control.textContent = text;
    this.requestControl.disabled = state === "pending";
  }

  /** Shows how many tabs of the site the customer has connected (`data-tabs`). */
  customerTabs(count: number): void {
    this.#tabs.dataset["tabs"] = String(count);
    this.#showTabs();
  }

  /** Says the customer switched tabs (`data-switches` counts them); the mirror follows. */
  tabSwitched(count: number, text: string): void {
    this.#tabNotice = text;
    this.#tabs.dataset["switches"] = String(Number(this.#tabs.dataset["switches"] ?? "0") + 1);
    this.customerTabs(count);
  }

  #showTabs(): void {
    const count = Number(this.#tabs.dataset["tabs"] ?? "0");
    const open = count > 1 ? `The customer has ${count} tabs of the site open.` : "";
    this.#tabs.textContent = [this.#tabNotice, open].filter((part) => part !== "").join(" ");
    this.#tabs.hidden = this.#tabs.textContent === "";
  }

  /** Shows a sentence for the agent (refusals, problems); empty clears it. */
  message(text: string): void {
    this.#message.textContent = text;
    this.#message.hidden = text === "";
  }

  /** Shows who is signed in. */
  signedIn(name: string): void {
    this.#who.textContent = `Signed in as ${name}`;
  }

  /** Shows one of the panels. */
  show(panel: "signin" | "signin-microsoft" | "join" | "screenshare"): void {
    this.signinForm.hidden = panel !== "signin";
    this.microsoftForm.hidden = panel !== "signin-microsoft";
    this.joinForm.hidden = panel !== "join";
    this.screenshare.hidden = panel !== "screenshare";
  }
}
