// admin.js, the tenant administrator's page (/admin): sign in, then the organisation, its
// policy, its bookmarks and its audit trail. A sign-in without the Duet.Admin role is told so.

import { ApiError } from "../api";
import { byTestId } from "../dom";
import { showAudit } from "./audit";
import { showBookmarks } from "./bookmarks";
import { AdminPage, forgetUser } from "./page";
import { signIn } from "./signin";
import { showTenant } from "./tenant";

async function main(): Promise<void> {
  const data = document.body.dataset;
  const user = await signIn({ devSignin: data["devSignin"] === "true", entra: data["entra"] === "true" });
  const page = new AdminPage(user);
  byTestId("admin-user").textContent = user.name;
  const signOut = byTestId<HTMLButtonElement>("admin-signout");
  signOut.hidden = false;
  signOut.addEventListener("click", () => {
    forgetUser();
    location.reload();
  });
  try {
    await showTenant(page);
  } catch (error) {
    // A 403 names the missing role and what to ask for; nothing else is shown.
    if (error instanceof ApiError && error.status === 401) forgetUser();
    page.fail(error);
    return;
  }
  await Promise.all([showBookmarks(page), showAudit(page)]).catch((error: unknown) => page.fail(error));
}

void main();
