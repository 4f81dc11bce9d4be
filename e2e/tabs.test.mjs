// A session follows the customer across the site in Chromium (issue #18): to the next page in
// the same tab and into a second tab, with no new code and no CobrowseEndedEvent; the agent
// sees the tab in front and is told when the customer switches; a tab in the back sends
// nothing; closing the front tab shows the other one.

import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, eventCount, joinByCode, newConversation, openAgent, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

async function joined() {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  await agent.mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
  return { customer, agent };
}

const inMirror = (agent, testid) => agent.mirror.locator(`[data-testid="${testid}"]`).count();
const code = async (page) => ((await page.getByTestId("cobrowse-code").textContent()) ?? "").trim();
const tabs = (agent) => agent.consoleFrame.getByTestId("customer-tabs");

/** Counts the page-change frames a tab sends, from before its script runs. */
async function countFramesSent(context) {
  await context.addInitScript(() => {
    window.__duetFramesSent = 0;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data !== "string") window.__duetFramesSent += 1;
      return send.call(this, data);
    };
  });
}

test("the customer goes on to the next page: the mirror follows with the same code and no ended event", async () => {
  const { customer, agent } = await joined();
  await customer.page.getByTestId("shop-delivery-link").click();
  await customer.page.getByTestId("delivery-page").waitFor();
  await waitUntil("the same code on the next page", async () => (await code(customer.page)) === customer.code);
  await waitUntil("the next page in the mirror", async () => (await inMirror(agent, "delivery-page")) === 1);
  await customer.page.getByTestId("delivery-postcode").fill("SW1A 1AA");
  await waitUntil("typing on the next page in the mirror", async () =>
    (await agent.mirror.locator('[data-testid="delivery-postcode"]').inputValue({ timeout: 1_000 })) === "SW1A 1AA");
  assert.equal(await eventCount(agent.page, "CobrowseEndedEvent"), 0);
  assert.equal(await eventCount(agent.page, "CobrowseConnectedEvent"), 1, "one connection: the agent never joined again");
  assert.ok(await customer.page.getByTestId("cobrowse-recorded").isVisible(), "the widget says the demo tenant records");
});

test("a second tab joins the same session, the agent sees the tab in front and is told of each switch", async () => {
  const { customer, agent } = await joined();
  const context = customer.page.context();
  await countFramesSent(context);
  const [second] = await Promise.all([context.waitForEvent("page"), customer.page.getByTestId("shop-delivery-tab").click()]);
  await second.getByTestId("delivery-page").waitFor();
  await waitUntil("the same code in the second tab", async () => (await code(second)) === customer.code);
  await waitUntil("the second tab in the mirror", async () => (await inMirror(agent, "delivery-page")) === 1);
  await waitUntil("the switch told to the agent", async () => (await tabs(agent).getAttribute("data-switches")) === "1");
  assert.equal(await tabs(agent).getAttribute("data-tabs"), "2");
  assert.match((await tabs(agent).textContent()) ?? "", /switched to another tab/);

  // The first tab is in the back now: it stands by, and changes there reach nobody.
  await waitUntil("the first tab standing by", async () => /other tab/.test((await customer.page.getByTestId("cobrowse-status").textContent()) ?? ""));
  await second.getByTestId("delivery-postcode").fill("EH1 1YZ");
  await waitUntil("typing in the second tab in the mirror", async () =>
    (await agent.mirror.locator('[data-testid="delivery-postcode"]').inputValue({ timeout: 1_000 })) === "EH1 1YZ");

  // The customer comes back to the first tab: it is in front again, from a fresh snapshot.
  await customer.page.bringToFront();
  // (Headless Chromium fires no focus or visibility change on bringToFront; a click there does
  // what those do in a real browser.)
  await customer.page.bringToFront();
  await customer.page.getByTestId("product-list").click();
  await waitUntil("the first tab in the mirror again", async () => (await inMirror(agent, "product-list")) === 1 && (await inMirror(agent, "delivery-page")) === 0);
  await waitUntil("the second switch told", async () => (await tabs(agent).getAttribute("data-switches")) === "2");
  const backSent = await second.evaluate(() => window.__duetFramesSent);
  await second.getByTestId("delivery-postcode").fill("Typed in the back");
  await customer.page.locator('input[name="email"]').fill("front@example.com");
  await waitUntil("the front tab's typing in the mirror", async () =>
    (await agent.mirror.locator('input[name="email"]').inputValue({ timeout: 1_000 })) === "front@example.com");
  assert.equal(await second.evaluate(() => window.__duetFramesSent), backSent, "a tab in the back sends no page changes");

  // Closing the tab in front shows the other one; the session goes on.
  await customer.page.close();
  await waitUntil("the remaining tab in the mirror", async () => (await inMirror(agent, "delivery-page")) === 1);
  await waitUntil("one tab left", async () => (await tabs(agent).getAttribute("data-tabs")) === "1");
  assert.match((await tabs(agent).textContent()) ?? "", /closed the tab/);
  assert.equal(await eventCount(agent.page, "CobrowseEndedEvent"), 0);
});

test("ending the session in one tab ends it in every tab, and a new page then starts afresh", async () => {
  const { customer, agent } = await joined();
  const context = customer.page.context();
  const [second] = await Promise.all([context.waitForEvent("page"), customer.page.getByTestId("shop-delivery-tab").click()]);
  await waitUntil("the same code in the second tab", async () => (await code(second)) === customer.code);
  await second.getByTestId("cobrowse-exit").click();
  await waitUntil("CobrowseEndedEvent", async () => (await eventCount(agent.page, "CobrowseEndedEvent")) === 1);
  await waitUntil("the first tab ended too", async () => (await customer.page.getByTestId("cobrowse-status").getAttribute("data-state")) === "ended");
  const third = await context.newPage();
  await third.goto(`${duet.base}/demo/shop/delivery`);
  await third.getByTestId("delivery-page").waitFor();
  assert.equal(await third.evaluate(() => localStorage.getItem("duet.cobrowse")), null, "nothing of the ended session is kept");
  assert.equal(await code(third), "", "no session on a new page");
});
