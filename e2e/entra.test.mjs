// Sign in with Microsoft, in Chromium, through the simulated Omnichannel desktop: the console's
// button opens Duet's own popup, which goes to the (stand-in) Entra ID and back, hands the
// sign-in to the console and closes; the agent then joins the customer's session.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { WAIT_MS, hostEvents, joinByCode, newConversation, openAgent, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";
import { CLIENT_ID, CLIENT_SECRET, startIdentityProvider } from "./support/idp.mjs";

const TENANT = "11111111-2222-4333-8444-555555555555";
const idp = await startIdentityProvider({
  tenant: TENANT,
  user: { oid: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "Ann Entra", roles: ["Duet.Agent"] },
});
after(() => idp.stop());

let duet;
let browser;
useDuet(
  {
    env: { DUET_ENTRA_CLIENT_ID: CLIENT_ID, DUET_ENTRA_CLIENT_SECRET: CLIENT_SECRET, DUET_ENTRA_AUTHORITY: idp.base },
    setup: [["tenant", "add", "--name", "Contoso", "--entra-tenant", TENANT, "--org", "https://contoso.crm.dynamics.com"]],
  },
  (started) => ({ duet, browser } = started),
);

test("an agent signs in with Microsoft in a popup, sees their name, joins and the app tab says connected", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation, { signedIn: false });

  const button = agent.consoleFrame.getByTestId("agent-signin-microsoft");
  await button.waitFor({ state: "visible", timeout: WAIT_MS });
  const popupOpened = agent.page.waitForEvent("popup", { timeout: WAIT_MS });
  await button.click();
  const popup = await popupOpened;
  await popup.waitForEvent("close", { timeout: WAIT_MS });

  const user = agent.consoleFrame.getByTestId("agent-user");
  await waitUntil("the agent's name in the console", async () => /Ann Entra/.test((await user.textContent()) ?? ""));
  await joinByCode(agent, customer.code);
  assert.ok((await hostEvents(agent.page)).includes("CobrowseConnectedEvent"));
  assert.ok(!duet.logs().includes(CLIENT_SECRET), "the client secret reached the log");
});
