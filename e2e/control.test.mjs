// Write mode end to end: the agent asks, the customer approves, the agent acts through the
// mirror, and the customer's script (not the server, not the agent's console) decides what
// happens. A forged agent client shows the customer's rules hold whatever the server forwards.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  WAIT_MS,
  joinByCode,
  newConversation,
  openAgent,
  rawAgent,
  startCustomer,
  waitUntil,
  useDuet,
} from "./support/duet.mjs";
import { decodeFrames } from "./support/domframes.mjs";

/** Time given to a stray effect to show up before we say there is none. */
const SETTLE_MS = 700;
/** The tenant's restricted selector in these tests (the shop's "Reset password" button). */
const RESTRICTED = ".account-danger";

let duet;
let browser;
useDuet({ env: { DUET_RESTRICTED_SELECTORS: RESTRICTED } }, (started) => ({ duet, browser } = started));

const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

async function connected() {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  return { customer, agent };
}

const widget = (customer) => customer.page.getByTestId("cobrowse-widget");
const counter = async (customer, name) => Number((await widget(customer).getAttribute(`data-duet-${name}`)) ?? "0");
const field = (page, name) => page.locator(`[name="${name}"]`);
const mode = (agent) => agent.consoleFrame.getByTestId("agent-status").getAttribute("data-mode");

/** Clicks where `selector` is drawn in the agent's mirror, as the agent's mouse would, after
 * the customer's page (and so the mirror) has it in view. */
async function clickInMirror(customer, agent, selector) {
  await customer.page.locator(selector).scrollIntoViewIfNeeded();
  const locator = agent.mirror.locator(selector);
  await waitUntil(`${selector} in view in the mirror`, () =>
    locator.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= el.ownerDocument.documentElement.clientHeight;
    }, undefined, { timeout: 1_000 }));
  const box = await locator.boundingBox({ timeout: WAIT_MS });
  await agent.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

async function requestAndApprove(customer, agent) {
  assert.equal(await mode(agent), "pointer");
  await agent.consoleFrame.getByTestId("agent-request-control").click({ timeout: WAIT_MS });
  const request = customer.page.getByTestId("cobrowse-request");
  await request.waitFor({ state: "visible", timeout: WAIT_MS });
  assert.match((await request.textContent()) ?? "", /Agent conv-.* asks to control this page/);
  assert.match((await customer.page.getByTestId("cobrowse-countdown").textContent()) ?? "", /lapses in \d+ s/);
  const control = agent.consoleFrame.getByTestId("agent-control");
  assert.equal(await control.getAttribute("data-control"), "pending");
  await customer.page.getByTestId("cobrowse-approve").click();
  await waitUntil("the console in write mode", async () => (await mode(agent)) === "write");
  await customer.page.getByTestId("cobrowse-revoke").waitFor({ state: "visible", timeout: WAIT_MS });
}

test("an approved agent types and picks through the mirror, cannot submit, and loses control when the customer takes it back", async () => {
  const { customer, agent } = await connected();
  await customer.page.locator("#checkout").scrollIntoViewIfNeeded();
  await agent.consoleFrame.getByTestId("agent-request-control").click({ timeout: WAIT_MS });
  await customer.page.getByTestId("cobrowse-deny").click({ timeout: WAIT_MS });
  const control = agent.consoleFrame.getByTestId("agent-control");
  await waitUntil("the console to show the refusal", async () => (await control.getAttribute("data-control")) === "denied");
  assert.equal(await mode(agent), "pointer");
  await requestAndApprove(customer, agent);

  await agent.mirror.locator('input[name="name"]').fill("Grace Hopper", { timeout: WAIT_MS });
  await waitUntil("the typed name on the customer's page", async () => (await field(customer.page, "name").inputValue()) === "Grace Hopper");
  const email = agent.mirror.locator('input[name="email"]');
  await email.click({ timeout: WAIT_MS });
  await email.pressSequentially("grace@example.com", { delay: 10 });
  await waitUntil("the e-mail typed key by key", async () => (await field(customer.page, "email").inputValue()) === "grace@example.com");

  await clickInMirror(customer, agent, 'select[name="delivery"]');
  await agent.consoleFrame.locator('[data-testid="agent-select-option"][data-value="express"]').click({ timeout: WAIT_MS });
  await waitUntil("the chosen delivery on the customer's page", async () => (await field(customer.page, "delivery").inputValue()) === "express");

  await clickInMirror(customer, agent, 'input[name="newsletter"]');
  await waitUntil("the ticked box on the customer's page", () => field(customer.page, "newsletter").isChecked());

  const scrolledFrom = await customer.page.evaluate(() => window.scrollY);
  const room = await customer.page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
  assert.ok(room > 0, "the shop must be taller than the viewport for this test");
  await agent.page.mouse.wheel(0, scrolledFrom > 0 ? -120 : 120);
  await waitUntil("the customer's page to scroll", async () => (await customer.page.evaluate(() => window.scrollY)) !== scrolledFrom);

  const refusedBefore = await counter(customer, "refused");
  await clickInMirror(customer, agent, '[data-testid="checkout-submit"]');
  await waitUntil("the customer's script to refuse the submit", async () => (await counter(customer, "refused")) > refusedBefore);
  await settle();
  assert.equal(await customer.page.getByTestId("order-result").textContent(), "", "the agent placed an order");

  // A plain button whose own handler submits the form: the click is allowed, the submission is not.
  const appliedBefore = await counter(customer, "applied");
  await clickInMirror(customer, agent, '[data-testid="quick-order"]');
  await waitUntil("the customer's script to replay the click", async () => (await counter(customer, "applied")) > appliedBefore);
  await settle();
  assert.equal(await customer.page.getByTestId("order-result").textContent(), "", "a script-submitted form placed an order");

  await customer.page.getByTestId("cobrowse-revoke").click();
  await waitUntil("the console back in pointer mode", async () => (await mode(agent)) === "pointer");
  const handled = (await counter(customer, "applied")) + (await counter(customer, "refused"));
  await clickInMirror(customer, agent, 'input[name="newsletter"]');
  await settle();
  assert.equal(await field(customer.page, "newsletter").isChecked(), true, "a click in pointer mode changed the page");
  assert.equal((await counter(customer, "applied")) + (await counter(customer, "refused")), handled);
});

/** A hostile agent with a real session token; its frames decoded as a console would. */
async function forgedAgent(code) {
  const agent = await rawAgent(browser, duet.base, code, `Forger ${newConversation()}`);
  const frames = async () => decodeFrames((await agent.raw()).map((f) => (typeof f === "string" ? f : Buffer.from(f))));
  return { page: agent.page, frames, send: agent.send };
}

/** rrweb node ids from the forged agent's last full snapshot and the slices after it (a large
 * page's snapshot comes in parts: webresource/src/sdk/slicing.ts), keyed by data-testid or name. */
function idsFromSnapshot(frames) {
  const ids = {};
  const walk = (node) => {
    const attributes = node.attributes ?? {};
    const key = attributes["data-testid"] ?? attributes.name;
    if (key !== undefined && ids[key] === undefined) ids[key] = node.id;
    for (const child of node.childNodes ?? []) walk(child);
  };
  const dom = frames.filter((frame) => frame.type === "dom");
  const lastFull = dom.findLastIndex((frame) => frame.full);
  for (const frame of dom.slice(Math.max(0, lastFull))) {
    for (const event of frame.events) {
      if (event.type === 2) walk(event.data.node);
      if (event.type === 3 && event.data.source === 0) for (const add of event.data.adds) walk(add.node);
    }
  }
  return ids;
}

/** The centre of the customer's element, in its viewport, after bringing it into view. */
async function centreOf(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  return box;
}

test("a forged agent's clicks and typing on submit, restricted and masked elements never take effect, in pointer or write mode", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const page = customer.page;
  await field(page, "card").fill("4111111111111111");
  await field(page, "password").fill("Customer-Secret-1");
  const forged = await forgedAgent(customer.code);
  const targets = ["checkout-submit", "delete-account", "reset-password", "card", "password"];
  const ids = await waitUntil("the node ids of the targets in the forged agent's snapshot", async () => {
    const found = idsFromSnapshot(await forged.frames());
    return targets.every((name) => found[name] > 0) ? found : null;
  });
  const pwnedBefore = await page.evaluate(() => window.__shopPwnedSeen ?? 0);

  const byId = targets.flatMap((name) => [
    { kind: "click", id: ids[name] },
    { kind: "input", id: ids[name], value: "forged" },
  ]);
  byId.push({ kind: "key", id: ids.name, key: "Enter" });
  byId.push({ kind: "navigate", value: "https://evil.example/" });
  byId.push({ kind: "navigate", value: "javascript:alert(1)" });

  // Pointer mode: the server refuses every action.
  for (const action of byId) await forged.send({ type: "action", action });
  const errors = async () => (await forged.frames()).filter((f) => f.type === "error").length;
  await waitUntil("the server to refuse every action", async () => (await errors()) === byId.length);
  assert.equal(await counter(customer, "refused"), 0, "an action reached the customer in pointer mode");

  // Write mode: the server forwards; the customer's script refuses.
  await forged.send({ type: "control_request" });
  await page.getByTestId("cobrowse-approve").click({ timeout: WAIT_MS });
  await waitUntil("write mode", async () => (await forged.frames()).some((f) => f.type === "state" && f.control === "write"));
  const locators = { "checkout-submit": page.getByTestId("checkout-submit"), "delete-account": page.getByTestId("delete-account"),
    "reset-password": page.getByTestId("reset-password"), card: field(page, "card"), password: field(page, "password"),
    "cobrowse-revoke": page.getByTestId("cobrowse-revoke") };
  let sent = 0;
  for (const action of byId) {
    await forged.send({ type: "action", action });
    sent += 1;
  }
  for (const name of Object.keys(locators)) {
    const { x, y } = await centreOf(page, locators[name]);
    for (const action of [{ kind: "click", x, y }, { kind: "input", x, y, value: "forged" }]) {
      await forged.send({ type: "action", action });
      sent += 1;
      await waitUntil(`the customer's script to judge ${action.kind} at ${name}`, async () => (await counter(customer, "refused")) === sent);
    }
  }
  // An allowed action last: once it shows, everything before it has been judged.
  await forged.send({ type: "action", action: { kind: "input", id: ids.name, value: "Sentinel" } });
  await waitUntil("the allowed action", async () => (await field(page, "name").inputValue()) === "Sentinel");
  await settle();

  assert.equal(await counter(customer, "refused"), sent);
  assert.equal(await counter(customer, "applied"), 1);
  assert.equal(await page.getByTestId("order-result").textContent(), "", "an order was placed");
  assert.equal(await page.getByTestId("account-result").textContent(), "", "a restricted button's handler ran");
  assert.equal(await field(page, "card").inputValue(), "4111111111111111");
  assert.equal(await field(page, "password").inputValue(), "Customer-Secret-1");
  assert.equal(new URL(page.url()).pathname, "/demo/shop");
  assert.equal(await page.evaluate(() => window.__shopPwnedSeen ?? 0), pwnedBefore);
  assert.equal(await page.getByTestId("cobrowse-status").getAttribute("data-state"), "active");
});

test("a customer page reload keeps the same session and the agent sees the page again", async () => {
  const { customer, agent } = await connected();
  const status = customer.page.getByTestId("cobrowse-status");
  await waitUntil("the customer to see active", async () => (await status.getAttribute("data-state")) === "active");
  await requestAndApprove(customer, agent);

  await customer.page.reload();

  await waitUntil("the same code after the reload", async () => ((await customer.page.getByTestId("cobrowse-code").textContent()) ?? "").trim() === customer.code);
  await waitUntil("the customer back to active", async () => (await status.getAttribute("data-state")) === "active");
  await field(customer.page, "email").fill("after-reload@example.com");
  await waitUntil("the reloaded page in the mirror", async () =>
    (await agent.mirror.locator('input[name="email"]').inputValue({ timeout: 1_000 })) === "after-reload@example.com");
  assert.equal(await agent.consoleFrame.getByTestId("agent-status").getAttribute("data-state"), "active");
  // The customer's approval holds for the session, and the way to take it back is still there.
  assert.equal(await mode(agent), "write");
  await customer.page.getByTestId("cobrowse-revoke").waitFor({ state: "visible", timeout: WAIT_MS });
  await agent.mirror.locator('input[name="name"]').fill("Typed after the reload", { timeout: WAIT_MS });
  await waitUntil("the agent's typing on the reloaded page", async () => (await field(customer.page, "name").inputValue()) === "Typed after the reload");
});
