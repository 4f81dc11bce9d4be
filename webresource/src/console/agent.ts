// The agent's sign-in: with Microsoft Entra ID in a popup on Duet's own origin (the console is
// framed inside Dynamics, where Microsoft's pages cannot be), or the development sign-in by name.

import { ApiError, callApi } from "../api";
import { onPopupSignIn, openSignInPopup, POPUP_BLOCKED } from "../signinpopup";
import type { ConsoleConfig } from "./config";
import type { ConsoleUi } from "./ui";

/** sessionStorage key for the agent's sign-in. */
export const AGENT_STORAGE_KEY = "duet.agent";
/** The name the demo signs in with on its own. */
export const DEMO_AGENT_NAME = "Demo agent";

/** A signed-in agent. */
export interface Agent {
  token: string;
  name: string;
}

/** Returns the stored sign-in, or signs in (on its own in development), then resolves. */
export function signIn(config: ConsoleConfig, ui: ConsoleUi): Promise<Agent> {
  const stored = loadAgent();
  if (stored !== null) return Promise.resolve(stored);
  if (config.entra) return signInWithMicrosoft(config, ui);
  if (!config.devSignin) {
    ui.message("Agent sign-in is not set up on this Duet server. Ask your administrator to configure sign-in.");
    return new Promise<Agent>(() => undefined);
  }
  ui.show("signin");
  ui.name.value = ui.name.value || DEMO_AGENT_NAME;
  return new Promise<Agent>((resolve) => {
    const submit = (event?: Event): void => {
      event?.preventDefault();
      ui.signin.disabled = true;
      requestSignIn(config.origin, ui.name.value.trim())
        .then((agent) => {
          ui.message("");
          resolve(agent);
        })
        .catch((error: unknown) => ui.message(error instanceof ApiError ? error.message : String(error)))
        .finally(() => {
          ui.signin.disabled = false;
        });
    };
    ui.signinForm.addEventListener("submit", submit);
    submit();
  });
}

/** Shows "Sign in with Microsoft"; each click opens Duet's `/auth/signin` in a popup, which
 * posts the outcome back from Duet's own origin and closes itself. */
function signInWithMicrosoft(config: ConsoleConfig, ui: ConsoleUi): Promise<Agent> {
  ui.show("signin-microsoft");
  return new Promise<Agent>((resolve) => {
    onPopupSignIn(config.origin, (outcome) => {
      if ("refused" in outcome) {
        ui.message(outcome.refused);
        return;
      }
      sessionStorage.setItem(AGENT_STORAGE_KEY, JSON.stringify(outcome));
      ui.message("");
      resolve(outcome);
    });
    ui.microsoftForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!openSignInPopup(config.origin)) ui.message(POPUP_BLOCKED);
    });
  });
}

/** Forgets the sign-in (the server refused the token). */
export function forgetAgent(): void {
  sessionStorage.removeItem(AGENT_STORAGE_KEY);
}

async function requestSignIn(origin: string, name: string): Promise<Agent> {
  if (name === "") throw new ApiError(400, "Type your name to sign in.");
  const agent = await callApi<Agent>(origin, "/api/agent/signin", { body: { name } });
  sessionStorage.setItem(AGENT_STORAGE_KEY, JSON.stringify(agent));
  return agent;
}

function loadAgent(): Agent | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(AGENT_STORAGE_KEY) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const { token, name } = value as Partial<Agent>;
    return typeof token === "string" && typeof name === "string" ? { token, name } : null;
  } catch {
    return null;
  }
}
