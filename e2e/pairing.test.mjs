// Pairing without a code, in Chromium, through the demo: the shop has a (stand-in) live chat
// widget and does not know the conversation; the customer script puts its pairing key into the
// chat's context, the agent's app tab reads it from the conversation's context items, and the
// agent joins in one click, typing nothing. The agent's invitation lands in the conversation.

import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, hostEvents, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

/** A customer of the shop with a chat widget: starts the chat, then shares their page. */
async function chattingCustomer(conversation) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${duet.base}/demo/shop?conversation=${encodeURIComponent(conversation)}&chat=widget`);
  await page.getByTestId("shop-chat-start").click();
  await waitUntil("the chat started", async () => /Chat started/.test((await page.getByTestId("shop-chat-status").textContent()) ?? ""));
  return page;
}

test("the agent joins the customer's session from the chat's pairing key, typing no code", async () => {
  const conversation = newConversation();
  const customer = await chattingCustomer(conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  const pending = agent.consoleFrame.getByTestId("agent-pending");
  await customer.getByTestId("cobrowse-start").click();
  await pending.waitFor({ state: "visible", timeout: WAIT_MS });
  const code = (await customer.getByTestId("cobrowse-code").textContent()).trim();
  assert.match(await pending.textContent(), new RegExp(code));
  await pending.click();
  await waitUntil("CobrowseConnectedEvent", async () => (await hostEvents(agent.page)).includes("CobrowseConnectedEvent"));
  assert.equal(await agent.consoleFrame.getByTestId("agent-code").inputValue(), "", "no code typed");
  await waitUntil("the customer sees who joined", async () => /Agent/.test((await customer.getByTestId("cobrowse-status").textContent()) ?? ""));
});

test("another conversation's app tab does not find the session (the key is that chat's)", async () => {
  const mine = newConversation();
  const customer = await chattingCustomer(mine);
  await customer.getByTestId("cobrowse-start").click();
  await customer.getByTestId("cobrowse-code").waitFor({ state: "visible", timeout: WAIT_MS });
  const other = await openAgent(browser, duet.base, newConversation());
  await other.consoleFrame.getByTestId("agent-code").waitFor({ state: "visible", timeout: WAIT_MS });
  await new Promise((done) => setTimeout(done, 2_500));
  assert.ok(await other.consoleFrame.getByTestId("agent-pending").isHidden());
});

test("the agent's invitation is posted into the conversation", async () => {
  const conversation = newConversation();
  const agent = await openAgent(browser, duet.base, conversation);
  await agent.consoleFrame.getByTestId("agent-invite").click({ timeout: WAIT_MS });
  const chat = agent.page.getByTestId("host-chat");
  await waitUntil("the invitation in the chat", async () => /Browse with agent/.test((await chat.textContent()) ?? ""));
  assert.match(await agent.consoleFrame.getByTestId("agent-invite-status").textContent(), /sent/);
});
