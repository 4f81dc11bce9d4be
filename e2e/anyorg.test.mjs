// One solution for every org, in Chromium: the app tab, served by an org on an origin of its own
// (a stand-in for Dynamics), holds no Duet address; it reads the org's environment variable
// `duet_Origin` through the org's Web API, frames Duet's console there and connects. When the
// variable is empty or cannot be read, the agent is told what to do and nothing is framed.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { WAIT_MS, newConversation, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";
import { startFixtureServer } from "./support/fixtures.mjs";

/** What the org's Web API answers for the variable: a value, "" (not set), or a status. */
const variable = { value: "", status: 200 };
let appTab = "";
const org = await startFixtureServer({
  "/WebResources/duet_/cobrowse.html": () => appTab,
  "/api/data/v9.2/environmentvariabledefinitions": (url) => {
    if (variable.status !== 200) return { status: variable.status, type: "application/json", body: "{}" };
    const asked = url.searchParams.get("$filter") === "schemaname eq 'duet_Origin'";
    const values = variable.value === "" ? [] : [{ value: variable.value }];
    const rows = asked ? [{ defaultvalue: null, environmentvariabledefinition_environmentvariablevalue: values }] : [];
    return { type: "application/json", body: JSON.stringify({ value: rows }) };
  },
});
after(() => org.stop());

let duet;
let browser;
useDuet({ env: { DUET_ORG_ORIGINS: org.origin } }, (started) => ({ duet, browser } = started));

/** The org's app tab for `conversation`, as Omnichannel opens it, recording the events it
 * dispatches on window.top (here the tab itself). */
async function openOrgAppTab(conversation) {
  appTab = await (await fetch(`${duet.base}/webresource/cobrowse.html`)).text();
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__events = [];
    for (const name of ["CobrowseConnectedEvent", "CobrowseEndedEvent"]) {
      window.addEventListener(name, () => window.__events.push(name));
    }
  });
  const page = await context.newPage();
  const data = encodeURIComponent(JSON.stringify({ conversationId: conversation }));
  await page.goto(`${org.origin}/WebResources/duet_/cobrowse.html?data=${data}`);
  return page;
}

test("the org's app tab reads Duet's address from the environment variable, frames the console and connects", async () => {
  assert.ok(!appTab.includes(duet.base), "the page holds no address");
  variable.value = duet.base;
  variable.status = 200;
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const page = await openOrgAppTab(conversation);
  const console = page.frameLocator("#duet-console");
  await console.getByTestId("agent-code").fill(customer.code, { timeout: WAIT_MS });
  await console.getByTestId("agent-join").click({ timeout: WAIT_MS });
  await waitUntil("CobrowseConnectedEvent", async () => (await page.evaluate(() => window.__events)).includes("CobrowseConnectedEvent"));
  assert.equal(await page.locator("#duet-console").getAttribute("src").then((src) => new URL(src).origin), duet.base);
});

test("an empty variable tells the agent that an administrator must set it, and frames nothing", async () => {
  variable.value = "";
  variable.status = 200;
  const page = await openOrgAppTab(newConversation());
  const error = page.getByTestId("apptab-error");
  await waitUntil("the message", async () => /is not set in this org/.test((await error.textContent()) ?? ""));
  assert.match(await error.textContent(), /duet_Origin/);
  assert.equal(await page.locator("#duet-console").count(), 0);
});

test("a variable that is not an https address, or a Web API that refuses, is named and frames nothing", async () => {
  variable.value = "http://duet.contoso.com";
  variable.status = 200;
  const plain = await openOrgAppTab(newConversation());
  await waitUntil("the message", async () => /not an https address/.test((await plain.getByTestId("apptab-error").textContent()) ?? ""));
  variable.status = 403;
  const refused = await openOrgAppTab(newConversation());
  await waitUntil("the message", async () => /could not be read from this org/.test((await refused.getByTestId("apptab-error").textContent()) ?? ""));
  assert.equal(await refused.locator("#duet-console").count(), 0);
});
