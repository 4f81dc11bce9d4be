// Sign in with Microsoft, in Chromium, through the simulated Omnichannel desktop: the console's
// button opens Duet's own popup, which goes to the (stand-in) Entra ID and back, hands the
// sign-in to the console and closes; the agent then joins the customer's session.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { WAIT_MS, hostEvents, joinByCode, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";
import { CLIENT_ID, CLIENT_SECRET, startIdentityProvider } from "./support/idp.mjs";

const TENANT = "11111111-2222-4333-8444-555555555555";
/** Contoso's website, on an origin of its own, registered as the tenant's site. */
const site = await startFixtureServer({
  "/shop.html": (url) => `<!DOCTYPE html><title>Contoso shop</title><h1>Contoso</h1>
<label>Name <input name="name"></label>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}`,
});
after(() => site.stop());
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
    setup: [["tenant", "add", "--name", "Contoso", "--entra-tenant", TENANT, "--org", "https://contoso.crm.dynamics.com", "--site", site.origin]],
  },
  (started) => ({ duet, browser } = started),
);

test("an agent signs in with Microsoft in a popup, sees their name, joins and the app tab says connected", async () => {
  const conversation = newConversation();
  const customer = await contosoCustomer(conversation);
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

test("a Contoso administrator signs in to /admin with Microsoft, sees Contoso, and saves its policy under their name", async () => {
  idp.signInAs({ oid: "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff", name: "Ada Entra", roles: ["Duet.Admin"] });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${duet.base}/admin`);
    const popupOpened = page.waitForEvent("popup", { timeout: WAIT_MS });
    await page.getByTestId("admin-signin-microsoft").click();
    await (await popupOpened).waitForEvent("close", { timeout: WAIT_MS });
    await page.getByTestId("admin-tenant").waitFor({ state: "visible", timeout: WAIT_MS });
    assert.equal(await page.getByTestId("admin-user").textContent(), "Ada Entra");
    assert.equal(await page.getByTestId("admin-tenant-name").textContent(), "Contoso");
    assert.equal(await page.getByTestId("admin-tenant-entra").textContent(), TENANT);

    await page.getByTestId("admin-policy-mask").fill("#loyalty-number\n[name=pin]");
    await page.getByTestId("admin-policy-save").click();
    const message = page.getByTestId("admin-message");
    await waitUntil("the policy saved", async () => /Policy saved/.test((await message.textContent()) ?? ""));
    const started = await fetch(`${duet.base}/api/sessions`, { method: "POST", headers: { Origin: site.origin }, body: "" });
    assert.deepEqual((await started.json()).policy.mask_selectors, ["#loyalty-number", "[name=pin]"]);

    await page.getByTestId("admin-policy-mask").fill("#ok\ninput[");
    await page.getByTestId("admin-policy-save").click();
    await waitUntil("the bad selector named", async () => /"input\[" is not a CSS selector/.test((await message.textContent()) ?? ""));

    await page.getByTestId("admin-audit-search").click();
    const change = page.locator('[data-testid="admin-audit-row"][data-action="settings.changed"]').filter({ hasText: "Ada Entra (admin)" });
    await change.first().waitFor({ state: "visible", timeout: WAIT_MS });
  } finally {
    idp.signInAs({ oid: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "Ann Entra", roles: ["Duet.Agent"] });
  }
});

/** A customer on Contoso's own website who starts co-browse there (so the session is Contoso's). */
async function contosoCustomer(conversation) {
  const page = await (await browser.newContext()).newPage();
  const query = `duet=${encodeURIComponent(duet.base)}&conversation=${conversation}`;
  await page.goto(`${site.origin}/shop.html?${query}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  return { page, code: sessionId };
}
