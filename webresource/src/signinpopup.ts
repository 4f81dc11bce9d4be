// Sign-in with Microsoft Entra ID in a popup on Duet's own origin: `/auth/signin` redirects to
// Microsoft, and its result page (`templates/signin_result.html`) posts the outcome back to its
// opener on that origin and closes. Shared by the agent console and the admin page.

/** What the popup posts back: a signed-in user's token and name, or why they were refused. */
export type PopupOutcome = { token: string; name: string } | { refused: string };

type PopupMessage = { type: "duet-signed-in"; token: string; name: string } | { type: "duet-signin-refused"; message: string };

/** Calls `handle` with each outcome the popup posts from Duet's own `origin`; ignores the rest. */
export function onPopupSignIn(origin: string, handle: (outcome: PopupOutcome) => void): void {
  window.addEventListener("message", (event: MessageEvent) => {
    if (event.origin !== origin || typeof event.data !== "object" || event.data === null) return;
    const message = event.data as PopupMessage;
    if (message.type === "duet-signin-refused") handle({ refused: String(message.message) });
    if (message.type === "duet-signed-in" && typeof message.token === "string") {
      handle({ token: message.token, name: String(message.name) });
    }
  });
}

/** Opens Duet's `/auth/signin` in a popup; false when the browser blocked it. */
export function openSignInPopup(origin: string): boolean {
  return window.open(`${origin}/auth/signin`, "duet-signin", "popup,width=520,height=680") !== null;
}

/** The sentence to show when the popup was blocked. */
export const POPUP_BLOCKED = "The sign-in window was blocked: allow pop-ups for Duet, then try again.";
