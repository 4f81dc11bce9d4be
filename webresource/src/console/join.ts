// Joining a session: by the code the customer reads out, or in one click when the site
// started the session for this conversation.

import { ApiError, callApi } from "../api";
import type { Agent } from "./agent";
import type { ConsoleConfig } from "./config";
import type { Joined } from "./live";
import type { ConsoleUi } from "./ui";

/** How often the console asks whether the conversation's customer started a session. */
export const PENDING_POLL_MS = 2_000;
/** Session ids are nine digits. */
const SESSION_ID = /^\d{9}$/;

/** The join panel; calls `joined` once per successful join. */
export class JoinPanel {
  #config: ConsoleConfig;
  #ui: ConsoleUi;
  #agent: Agent;
  #joined: (joined: Joined) => void;
  #refused: (error: ApiError) => void;
  #busy = false;
  #pendingId: string | null = null;
  /** The session a supervisor steps into, until they have asked. */
  #stepIn: string;
  #poll: ReturnType<typeof setInterval> | null = null;

  constructor(config: ConsoleConfig, ui: ConsoleUi, agent: Agent, joined: (joined: Joined) => void, refused: (error: ApiError) => void) {
    this.#config = config;
    this.#stepIn = config.stepIn;
    this.#ui = ui;
    this.#agent = agent;
    this.#joined = joined;
    this.#refused = refused;
    ui.joinForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#join(ui.code.value.replace(/\s+/g, ""));
    });
    ui.pending.addEventListener("click", () => {
      if (this.#pendingId !== null) this.#join(this.#pendingId);
    });
  }

  /** Shows the panel and starts looking for the conversation's session. */
  open(): void {
    this.#busy = false;
    this.#ui.show("join");
    this.#ui.join.disabled = false;
    if (this.#stepIn !== "") {
      // A supervisor stepping in from their page: once, through their own route.
      const id = this.#stepIn;
      this.#stepIn = "";
      this.#join(id, `/api/supervisor/sessions/${id}/step-in`);
      return;
    }
    if ((this.#config.conversation !== "" || this.#config.pairing !== "") && this.#poll === null) {
      void this.#checkPending();
      this.#poll = setInterval(() => void this.#checkPending(), PENDING_POLL_MS);
    }
  }

  /** Stops looking while the agent is in a session. */
  close(): void {
    this.#busy = true;
    this.#ui.join.disabled = true;
    this.#showPending(null);
    if (this.#poll !== null) clearInterval(this.#poll);
    this.#poll = null;
  }

  #join(code: string, path = `/api/agent/sessions/${code}/join`): void {
    if (this.#busy) return;
    if (!SESSION_ID.test(code)) {
      this.#ui.message("A session code is nine digits. Ask the customer to read it out again.");
      return;
    }
    this.#busy = true;
    this.#ui.join.disabled = true;
    this.#ui.message("");
    callApi<Joined>(this.#config.origin, path, { method: "POST", token: this.#agent.token })
      .then((joined) => {
        this.close();
        this.#joined(joined);
      })
      .catch((error: unknown) => {
        this.#busy = false;
        this.#ui.join.disabled = false;
        const refusal = error instanceof ApiError ? error : new ApiError(0, String(error));
        this.#ui.message(refusal.message);
        this.#refused(refusal);
      });
  }

  async #checkPending(): Promise<void> {
    const query = new URLSearchParams();
    if (this.#config.conversation !== "") query.set("conversation", this.#config.conversation);
    if (this.#config.pairing !== "") query.set("pairing", this.#config.pairing);
    try {
      const found = await callApi<{ sessionId: string }>(this.#config.origin, `/api/agent/pending?${query}`, { token: this.#agent.token });
      this.#showPending(this.#busy ? null : found.sessionId);
    } catch (error) {
      this.#showPending(null);
      if (error instanceof ApiError && error.status === 401) this.#refused(error);
    }
  }

  #showPending(sessionId: string | null): void {
    this.#pendingId = sessionId;
    this.#ui.pending.hidden = sessionId === null;
    this.#ui.pending.textContent = sessionId === null ? "" : `Join the customer's session ${sessionId}`;
  }
}
