// A supervisor replays a recorded session in Chromium (issue #15): the customer types, the agent
// gets control and types too, the customer ends it; the supervisor signs in on /supervisor, finds
// the session and plays it, and sees the typed text and never the masked card number. An agent's
// sign-in gets nothing of the supervisor's API, and each view is in the audit trail. A supervisor watches
// two live sessions side by side and sees both update, and each customer is told.

import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, joinByCode, newConversation, openAgent, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
const ADMIN_KEY = "e2e-supervisor-admin-key-4c1d";
useDuet({ env: { DUET_ADMIN_KEY: ADMIN_KEY } }, (started) => ({ duet, browser } = started));

const CARD = "4111111111111111";
const field = (page, name) => page.locator(`[name="${name}"]`);
const mode = async (agent) => agent.consoleFrame.getByTestId("agent-status").getAttribute("data-mode");

/** A session with typing on both sides and a control change, ended by the customer. */
async function recordedSession() {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  await agent.mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
  await field(customer.page, "name").fill("Ada Lovelace");
  await field(customer.page, "card").fill(CARD);
  await waitUntil("the typing in the mirror", async () =>
    (await agent.mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === "Ada Lovelace");
  await agent.consoleFrame.getByTestId("agent-request-control").click({ timeout: WAIT_MS });
  await customer.page.getByTestId("cobrowse-approve").click({ timeout: WAIT_MS });
  await waitUntil("the console in write mode", async () => (await mode(agent)) === "write");
  await agent.mirror.locator('input[name="email"]').fill("typed.by.agent@example.com", { timeout: WAIT_MS });
  await waitUntil("the agent's typing on the customer's page", async () =>
    (await field(customer.page, "email").inputValue()) === "typed.by.agent@example.com");
  await new Promise((done) => setTimeout(done, 300));
  await customer.page.getByTestId("cobrowse-exit").click();
  return { conversation, code: customer.code, agent };
}

async function supervisorPage(name) {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await page.goto(`${duet.base}/supervisor`);
  await page.getByTestId("supervisor-signin-name").fill(name);
  await page.getByTestId("supervisor-signin").click();
  return page;
}

test("a supervisor finds the recorded session, plays it and sees the typing but never the masked value", async () => {
  const { conversation, code } = await recordedSession();
  const page = await supervisorPage("Sue");
  const row = page.locator(`[data-testid="supervisor-session"][data-session="${code}"]`);
  await waitUntil("the session listed with a complete recording", async () => {
    await page.getByTestId("supervisor-filter").locator("button").click();
    return (await row.count()) === 1 && /complete/.test((await row.textContent()) ?? "");
  });
  const text = (await row.textContent()) ?? "";
  assert.ok(text.includes(conversation) && text.includes(code), text);

  await row.getByTestId("supervisor-play").click();
  const mirror = page.frameLocator('[data-testid="agent-mirror"]');
  await page.getByTestId("player-speed").selectOption("4");
  await waitUntil("the customer's typing replayed", async () =>
    (await mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === "Ada Lovelace");
  await waitUntil("the agent's typing replayed", async () =>
    (await mirror.locator('input[name="email"]').inputValue({ timeout: 1_000 })) === "typed.by.agent@example.com", 30_000);
  const card = await mirror.locator('input[name="card"]').inputValue();
  assert.ok(!card.includes("4111"), `the masked card reached the recording: ${card}`);
  const html = await page.frameLocator('[data-testid="agent-mirror"]').locator("html").innerHTML();
  assert.ok(!html.includes(CARD));
  await waitUntil("the end of the recording", async () => /End of the recording/.test((await page.getByTestId("player-status").textContent()) ?? ""), 30_000);
  await waitUntil("the timeline's marks", async () => (await page.locator('[data-testid="player-marks"] [data-mark="control.approved"]').count()) === 1);
  assert.equal(await page.locator('[data-testid="player-marks"] [data-mark="session.ended"]').count(), 1);
  const happened = (await page.getByTestId("player-audit").textContent()) ?? "";
  assert.match(happened, /control\.approved/);
  assert.match(happened, /recording\.viewed \(Sue\)/);

  const audit = await fetch(`${duet.base}/api/tenant/audit?session=${code}`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(audit.status, 200);
  const trail = await audit.text();
  assert.match(trail, /recording\.viewed/);
  assert.match(trail, /Sue/);
});

test("an agent's sign-in, the session's own agent's included, gets nothing of the supervisor's API", async () => {
  const { conversation, code } = await recordedSession();
  // The session's own agent signed in as `Agent <conversation>` (e2e/support/duet.mjs).
  for (const name of [`Agent ${conversation}`, "Someone else"]) {
    const signedIn = await (await fetch(`${duet.base}/api/agent/signin`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    })).json();
    for (const path of ["/api/supervisor/sessions", `/api/supervisor/sessions/${code}/recording?from=0`]) {
      const response = await fetch(`${duet.base}${path}`, { headers: { Authorization: `Bearer ${signedIn.token}` } });
      assert.equal(response.status, 403, path);
      assert.equal(response.headers.get("content-disposition"), null);
      assert.match(await response.text(), /Duet\.Supervisor/);
    }
  }
});

test("a supervisor watches two live sessions at once and sees both update, and each customer is told", async () => {
  const sessions = [];
  for (const name of ["Alpha", "Bravo"]) {
    const conversation = newConversation();
    const customer = await startCustomer(browser, duet.base, conversation);
    const agent = await openAgent(browser, duet.base, conversation);
    await joinByCode(agent, customer.code);
    await agent.mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
    sessions.push({ name, customer });
  }
  const page = await supervisorPage("Sue");
  for (const { customer } of sessions) {
    const row = page.locator(`[data-testid="supervisor-session"][data-session="${customer.code}"]`);
    await waitUntil("the live session listed", async () => {
      await page.getByTestId("supervisor-filter").locator("button").click();
      return (await row.count()) === 1;
    });
    await row.getByTestId("supervisor-watch").click();
  }
  for (const { name, customer } of sessions) {
    const tile = page.locator(`[data-testid="live-tile"][data-session="${customer.code}"]`);
    const mirror = tile.frameLocator('[data-testid="agent-mirror"]');
    await mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
    await field(customer.page, "name").fill(`Typed in ${name}`);
    await waitUntil(`${name} updating in its tile`, async () =>
      (await mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === `Typed in ${name}`);
    await waitUntil(`${name}'s customer told`, async () =>
      /Sue, a supervisor, also watches/.test((await customer.page.getByTestId("cobrowse-status").textContent()) ?? ""));
  }
  // Both keep updating while watched side by side.
  for (const { name, customer } of sessions) await field(customer.page, "name").fill(`Again ${name}`);
  for (const { name, customer } of sessions) {
    const mirror = page.locator(`[data-testid="live-tile"][data-session="${customer.code}"]`).frameLocator('[data-testid="agent-mirror"]');
    await waitUntil(`${name} updating again`, async () =>
      (await mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === `Again ${name}`);
  }
});
