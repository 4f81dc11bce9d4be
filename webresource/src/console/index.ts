// console.js, the agent console framed by the app tab: sign in, join, watch, point, end.

import { forgetAgent, signIn } from "./agent";
import { ParentBridge } from "./bridge";
import { wireInvite } from "./invite";
import { readConfig } from "./config";
import { JoinPanel } from "./join";
import { LiveSession } from "./live";
import { ScreenSharePanel } from "./screenshare";
import { ConsoleUi } from "./ui";

async function main(): Promise<void> {
  const config = readConfig();
  const ui = new ConsoleUi();
  ui.status("idle", "Not in a session.");
  const agent = await signIn(config, ui);
  ui.signedIn(agent.name);
  const bridge = new ParentBridge(config.parentOrigin);
  if (config.mode === "screenshare") {
    new ScreenSharePanel(config, ui, agent, bridge, signInAgain).open();
    return;
  }
  wireInvite(bridge);
  const panel: JoinPanel = new JoinPanel(
    config,
    ui,
    agent,
    (joined) => new LiveSession(config.origin, joined, ui, bridge, () => panel.open(), agent.token).start(),
    (refusal) => {
      if (refusal.status === 401) {
        forgetAgent();
        location.reload();
      }
    },
  );
  panel.open();
}

function signInAgain(): void {
  forgetAgent();
  location.reload();
}

void main();
