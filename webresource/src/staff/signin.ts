// Signing in to a staff page: with Microsoft Entra ID in a popup (a user holding the page's role
// acts for their own organisation), or the development sign-in on loopback, which asks for the
// page's role in the built-in tenant.

import { ApiError, callApi } from "../api";
import { byTestId } from "../dom";
import { onPopupSignIn, openSignInPopup, POPUP_BLOCKED } from "../signinpopup";
import { type StaffKind, type StaffUser, loadUser, saveUser, showMessage } from "./page";

/** How this Duet signs people in, from the page's data attributes. */
interface SignInConfig {
  devSignin: boolean;
  entra: boolean;
}

/** Resolves with the stored sign-in, or once someone signs in. */
export function signIn(kind: StaffKind, config: SignInConfig): Promise<StaffUser> {
  const stored = loadUser(kind);
  if (stored !== null) return Promise.resolve(stored);
  const section = document.getElementById("signin");
  if (section !== null) section.hidden = false;
  const message = byTestId(`${kind.prefix}-message`);
  return new Promise<StaffUser>((resolve) => {
    const signedIn = (user: StaffUser): void => {
      saveUser(kind, user);
      showMessage(message, "");
      if (section !== null) section.hidden = true;
      resolve(user);
    };
    if (config.entra) withMicrosoft(signedIn, (text) => showMessage(message, text));
    else if (config.devSignin) byName(kind, signedIn, (text) => showMessage(message, text));
    else reveal("signin-off");
  });
}

function withMicrosoft(signedIn: (user: StaffUser) => void, say: (text: string) => void): void {
  const form = reveal("signin-microsoft");
  onPopupSignIn(location.origin, (outcome) => {
    if ("refused" in outcome) say(outcome.refused);
    else signedIn(outcome);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!openSignInPopup(location.origin)) say(POPUP_BLOCKED);
  });
}

function byName(kind: StaffKind, signedIn: (user: StaffUser) => void, say: (text: string) => void): void {
  const form = reveal("signin-dev");
  const name = byTestId<HTMLInputElement>(`${kind.prefix}-signin-name`);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), roles: [kind.role] };
    callApi<StaffUser>(location.origin, "/api/agent/signin", { body })
      .then(signedIn)
      .catch((error: unknown) => say(error instanceof ApiError ? error.message : String(error)));
  });
}

function reveal(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`The page has no #${id}.`);
  node.hidden = false;
  return node;
}
