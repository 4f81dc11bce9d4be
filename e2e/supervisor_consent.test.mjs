// A tenant whose policy wants the customer's consent before a supervisor watches (issue #15), in
// Chromium: the supervisor's tile waits and shows nothing of the page until the customer allows
// it in the same prompt a second agent gets; then "Step in" swaps the tile for the agent's
// console, which asks the customer again, and only once they allow it does the supervisor see
// the page as an agent.

import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, joinByCode, newConversation, openAgent, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
useDuet({ env: { DUET_WATCH_NEEDS_CONSENT: "true" } }, (started) => ({ duet, browser } = started));

const field = (page, name) => page.locator(`[name="${name}"]`);
const text = async (locator) => (await locator.textContent()) ?? "";

test("a supervisor watches only once the customer allows it, and steps in only once they allow that too", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  await agent.mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });

  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await page.goto(`${duet.base}/supervisor`);
  await page.getByTestId("supervisor-signin-name").fill("Sue");
  await page.getByTestId("supervisor-signin").click();
  const row = page.locator(`[data-testid="supervisor-session"][data-session="${customer.code}"]`);
  await waitUntil("the live session listed", async () => {
    await page.getByTestId("supervisor-filter").locator("button").click();
    return (await row.count()) === 1;
  });
  await row.getByTestId("supervisor-watch").click();

  const tile = page.locator(`[data-testid="live-tile"][data-session="${customer.code}"]`);
  await waitUntil("the tile saying it asks the customer", async () => /Asking the customer/.test(await text(tile.getByTestId("live-status"))));
  const prompt = customer.page.getByTestId("cobrowse-join-request");
  await waitUntil("the customer asked", async () => /Sue, a supervisor, asks to watch/.test(await text(prompt)));
  const mirror = tile.frameLocator('[data-testid="agent-mirror"]');
  assert.equal(await mirror.locator('[data-testid="product-list"]').count(), 0, "nothing of the page before the customer allows it");
  await customer.page.getByTestId("cobrowse-join-allow").click();
  await mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
  await field(customer.page, "name").fill("Watched with consent");
  await waitUntil("the tile updating", async () =>
    (await mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === "Watched with consent");

  await tile.getByTestId("supervisor-step-in").click();
  const console = tile.frameLocator('[data-testid="supervisor-console"]');
  await waitUntil("the customer asked to let the supervisor step in", async () => /Sue, a supervisor, asks to step in/.test(await text(prompt)));
  const consoleMirror = console.frameLocator('[data-testid="agent-mirror"]');
  assert.equal(await consoleMirror.locator('[data-testid="product-list"]').count(), 0, "nothing as an agent before the customer allows it");
  await customer.page.getByTestId("cobrowse-join-allow").click();
  await consoleMirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
  await field(customer.page, "name").fill("Stepped in");
  await waitUntil("the supervisor's console updating", async () =>
    (await consoleMirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === "Stepped in");
  await waitUntil("the customer told the supervisor is an agent now", async () =>
    /Sue/.test(await text(customer.page.getByTestId("cobrowse-status"))));
});
