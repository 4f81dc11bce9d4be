// Consent per agent, in Chromium: a second agent who joins a session another agent holds waits,
// sees nothing of the page, and is let in only by the customer; control belongs to the agent the
// customer approved, and another agent's actions do nothing on the customer's page.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  WAIT_MS,
  hostEvents,
  joinByCode,
  newConversation,
  openAgent,
  rawAgent,
  startCustomer,
  useDuet,
  waitUntil,
} from "./support/duet.mjs";
import { frameTexts } from "./support/domframes.mjs";

/** Time given to a stray effect to show up before we say there is none. */
const SETTLE_MS = 700;
const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

const field = (page, name) => page.locator(`[name="${name}"]`);

/** Every frame the agent's console page receives, from the moment it is called. */
function receivedBy(agent) {
  const frames = [];
  agent.page.on("websocket", (ws) => ws.on("framereceived", (frame) => frames.push(frame.payload)));
  return frames;
}

test("a second agent is held with nothing of the page until the customer allows, and the customer sees who watches", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const ann = await openAgent(browser, duet.base, conversation, { name: `Ann ${conversation}` });
  await joinByCode(ann, customer.code);
  const bo = await openAgent(browser, duet.base, conversation, { name: `Bo ${conversation}` });
  const boReceived = receivedBy(bo);

  await bo.consoleFrame.getByTestId("agent-code").fill(customer.code, { timeout: WAIT_MS });
  await bo.consoleFrame.getByTestId("agent-join").click({ timeout: WAIT_MS });
  const request = customer.page.getByTestId("cobrowse-join-request");
  await request.waitFor({ state: "visible", timeout: WAIT_MS });
  assert.match((await request.textContent()) ?? "", new RegExp(`Bo ${conversation} from support asks to join`));
  const boStatus = bo.consoleFrame.getByTestId("agent-status");
  await waitUntil("Bo to be told he waits", async () => /asked to let you join/.test((await boStatus.textContent()) ?? ""));

  await field(customer.page, "name").fill("Before-Consent-Name");
  await waitUntil("Ann to see the typing", async () =>
    (await ann.mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === "Before-Consent-Name");
  await settle();
  const beforeAllow = frameTexts(boReceived.map((p) => (typeof p === "string" ? p : Buffer.from(p))));
  assert.ok(beforeAllow.some((text) => text.includes('"type":"consent"')), "the check reads Bo's own socket");
  assert.ok(!beforeAllow.some((text) => text.includes("Before-Consent-Name") || text.includes('"type":"dom"')),
    "Bo received the customer's page before the customer allowed it");
  assert.ok(!boReceived.some((payload) => typeof payload !== "string"), "Bo received binary page frames before consent");
  assert.ok(!(await hostEvents(bo.page)).includes("CobrowseConnectedEvent"), "Bo's app tab said connected while waiting");

  await customer.page.getByTestId("cobrowse-join-allow").click();
  await waitUntil("Bo's CobrowseConnectedEvent", async () => (await hostEvents(bo.page)).includes("CobrowseConnectedEvent"));
  await waitUntil("Bo to see the page", async () =>
    (await bo.mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 }).catch(() => null)) === "Before-Consent-Name");
  const status = customer.page.getByTestId("cobrowse-status");
  await waitUntil("the customer to see both names", async () => {
    const text = (await status.textContent()) ?? "";
    return text.includes(`Ann ${conversation}`) && text.includes(`Bo ${conversation}`);
  });
});

test("a second agent the customer denies sees nothing and is told so", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const ann = await openAgent(browser, duet.base, conversation, { name: `Ann ${conversation}` });
  await joinByCode(ann, customer.code);
  const bo = await openAgent(browser, duet.base, conversation, { name: `Bo ${conversation}` });
  await bo.consoleFrame.getByTestId("agent-code").fill(customer.code, { timeout: WAIT_MS });
  await bo.consoleFrame.getByTestId("agent-join").click({ timeout: WAIT_MS });
  await customer.page.getByTestId("cobrowse-join-deny").click({ timeout: WAIT_MS });
  const boStatus = bo.consoleFrame.getByTestId("agent-status");
  await waitUntil("Bo to be told", async () => /did not let you join/.test((await boStatus.textContent()) ?? ""));
  assert.equal(await customer.page.getByTestId("cobrowse-status").getAttribute("data-state"), "active", "the session goes on");
});

test("after the customer approves Ann, Bo's actions do nothing on the customer's page", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const ann = await openAgent(browser, duet.base, conversation, { name: `Ann ${conversation}` });
  await joinByCode(ann, customer.code);
  const bo = await rawAgent(browser, duet.base, customer.code, `Bo ${conversation}`);
  assert.equal(bo.joined.admitted, false, "a second agent is not admitted by the join call alone");
  const received = async () => (await bo.raw()).map((f) => (typeof f === "string" ? f : "<binary>"));
  await customer.page.getByTestId("cobrowse-join-allow").click({ timeout: WAIT_MS });
  await waitUntil("Bo to be allowed", async () => (await received()).some((text) => text.includes('"state":"allowed"')));

  await ann.consoleFrame.getByTestId("agent-request-control").click({ timeout: WAIT_MS });
  await customer.page.getByTestId("cobrowse-approve").click({ timeout: WAIT_MS });
  const mode = () => ann.consoleFrame.getByTestId("agent-status").getAttribute("data-mode");
  await waitUntil("Ann in write mode", async () => (await mode()) === "write");

  const before = await field(customer.page, "name").inputValue();
  const { x, y } = await field(customer.page, "name").evaluate((el) => {
    el.scrollIntoView();
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await bo.send({ type: "action", action: { kind: "input", x, y, value: "Typed-By-Bo" } });
  await bo.send({ type: "action", action: { kind: "click", x, y } });
  await waitUntil("Duet to refuse Bo", async () =>
    (await received()).filter((text) => text.includes("gave control to another agent")).length === 2);
  await settle();
  assert.equal(await field(customer.page, "name").inputValue(), before, "Bo's action changed the customer's page");

  await ann.mirror.locator('input[name="name"]').fill("Typed-By-Ann", { timeout: WAIT_MS });
  await waitUntil("Ann's typing on the customer's page", async () => (await field(customer.page, "name").inputValue()) === "Typed-By-Ann");
});
