// Signing in to the admin page: with Microsoft Entra ID in a popup (a user holding Duet.Admin
// administers their own organisation), or the development sign-in on loopback, which asks for
// the Duet.Admin role and administers the built-in tenant.

import { ApiError, callApi } from "../api";
import { byTestId } from "../dom";
import { onPopupSignIn, openSignInPopup, POPUP_BLOCKED } from "../signinpopup";
import { type AdminUser, loadUser, saveUser, showMessage } from "./page";

/** How this Duet signs people in, from the page's data attributes. */
interface SignInConfig {
  devSignin: boolean;
  entra: boolean;
}

/** Resolves with the stored sign-in, or once someone signs in. */
export function signIn(config: SignInConfig): Promise<AdminUser> {
  const stored = loadUser();
  if (stored !== null) return Promise.resolve(stored);
  const section = document.getElementById("signin");
  if (section !== null) section.hidden = false;
  const message = byTestId("admin-message");
  return new Promise<AdminUser>((resolve) => {
    const signedIn = (user: AdminUser): void => {
      saveUser(user);
      showMessage(message, "");
      if (section !== null) section.hidden = true;
      resolve(user);
    };
    if (config.entra) withMicrosoft(signedIn, (text) => showMessage(message, text));
    else if (config.devSignin) byName(signedIn, (text) => showMessage(message, text));
    else reveal("signin-off");
  });
}

function withMicrosoft(signedIn: (user: AdminUser) => void, say: (text: string) => void): void {
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

function byName(signedIn: (user: AdminUser) => void, say: (text: string) => void): void {
  const form = reveal("signin-dev");
  const name = byTestId<HTMLInputElement>("admin-signin-name");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), roles: ["Duet.Admin"] };
    callApi<AdminUser>(location.origin, "/api/agent/signin", { body })
      .then(signedIn)
      .catch((error: unknown) => say(error instanceof ApiError ? error.message : String(error)));
  });
}

function reveal(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`The admin page has no #${id}.`);
  node.hidden = false;
  return node;
}
