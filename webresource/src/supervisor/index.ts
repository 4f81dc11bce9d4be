// supervisor.js, the supervisor's page (/supervisor): sign in with the Duet.Supervisor role,
// then the tenant's sessions, a player for their recordings (watch, never download), and up to
// four live sessions watched side by side, read-only.

import { ApiError } from "../api";
import { byTestId } from "../dom";
import { SUPERVISOR, StaffPage, forgetUser } from "../staff/page";
import { signIn } from "../staff/signin";
import { type SessionSummary, SessionList } from "./list";
import { LiveGrid } from "./live";
import { Player } from "./player";

async function main(): Promise<void> {
  const data = document.body.dataset;
  const user = await signIn(SUPERVISOR, { devSignin: data["devSignin"] === "true", entra: data["entra"] === "true" });
  const page = new StaffPage(SUPERVISOR, user);
  byTestId("supervisor-user").textContent = user.name;
  const signOut = byTestId<HTMLButtonElement>("supervisor-signout");
  signOut.hidden = false;
  signOut.addEventListener("click", () => {
    forgetUser(SUPERVISOR);
    location.reload();
  });
  let player: Player | null = null;
  const live = new LiveGrid(page);
  const play = (session: SessionSummary): void => {
    player?.close();
    player = new Player(page, session);
    player.open().catch((error: unknown) => page.fail(error));
  };
  const watch = (session: SessionSummary): void => {
    live.watch(session.sessionId).catch((error: unknown) => page.fail(error));
  };
  const list = new SessionList(page, play, watch);
  try {
    await list.show();
  } catch (error) {
    // A 403 names the missing role and what to ask for; nothing else is shown.
    if (error instanceof ApiError && error.status === 401) forgetUser(SUPERVISOR);
    page.fail(error);
  }
}

void main();
