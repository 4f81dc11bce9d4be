// console.js, the agent console framed by the app tab: sign in, join, watch, point, end.

import { forgetAgent, signIn } from "./agent";
import { ParentBridge } from "./bridge";
import { readConfig } from "./config";
import { JoinPanel } from "./join";
import { LiveSession } from "./live";
import { ConsoleUi } from "./ui";

async function main(): Promise<void> {
  const config = readConfig();
  const ui = new ConsoleUi();
  ui.status("idle", "Not in a session.");
  if (config.mode === "screenshare") {
    ui.show("screenshare");
    return;
  }
  const agent = await signIn(config, ui);
  ui.signedIn(agent.name);
  const bridge = new ParentBridge(config.parentOrigin);
  const panel: JoinPanel = new JoinPanel(
    config,
    ui,
    agent,
    (joined) => new LiveSession(config.origin, joined, ui, bridge, () => panel.open()).start(),
    (refusal) => {
      if (refusal.status === 401) {
        forgetAgent();
        location.reload();
      }
    },
  );
  panel.open();
}

void main();
