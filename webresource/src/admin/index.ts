// admin.js, the tenant administrator's page (/admin): sign in, then the organisation, its
// policy, its bookmarks and its audit trail. A sign-in without the Duet.Admin role is told so.

import { ApiError } from "../api";
import { byTestId } from "../dom";
import { showAudit } from "./audit";
import { showBookmarks } from "./bookmarks";
import { ADMIN, StaffPage, forgetUser } from "../staff/page";
import { signIn } from "../staff/signin";
import { showTenant } from "./tenant";

async function main(): Promise<void> {
  const data = document.body.dataset;
  const user = await signIn(ADMIN, { devSignin: data["devSignin"] === "true", entra: data["entra"] === "true" });
  const page = new StaffPage(ADMIN, user);
  byTestId("admin-user").textContent = user.name;
  const signOut = byTestId<HTMLButtonElement>("admin-signout");
  signOut.hidden = false;
  signOut.addEventListener("click", () => {
    forgetUser(ADMIN);
    location.reload();
  });
  try {
    await showTenant(page);
  } catch (error) {
    // A 403 names the missing role and what to ask for; nothing else is shown.
    if (error instanceof ApiError && error.status === 401) forgetUser(ADMIN);
    page.fail(error);
    return;
  }
  await Promise.all([showBookmarks(page), showAudit(page)]).catch((error: unknown) => page.fail(error));
}

void main();
