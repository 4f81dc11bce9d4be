// Screen share end to end: the demo Omnichannel desktop's Screen share tab (app tab → console)
// as the agent, Duet's /share page as the customer, real tab capture and real WebRTC between
// two browser contexts.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  WAIT_MS,
  eventCount,
  newConversation,
  openAgent,
  startDuet,
  waitUntil,
  useDuet,
} from "./support/duet.mjs";

/** Time given to a duplicate event to show up before we say there is none. */
const SETTLE_MS = 1_000;

let duet;
let browser;
useDuet({ screenCapture: true }, (started) => ({ duet, browser } = started));

const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

/** The agent starts a request in the Screen share tab; returns the agent and the key. */
async function agentWithKey(server = duet) {
  const agent = await openAgent(browser, server.base, newConversation(), { tab: "screenshare" });
  await agent.consoleFrame.getByTestId("agent-screenshare-start").click({ timeout: WAIT_MS });
  const keyBox = agent.consoleFrame.getByTestId("agent-screenshare-key");
  const key = await waitUntil("the security key", async () => {
    const text = (await keyBox.textContent())?.trim() ?? "";
    return /^\d{6}$/.test(text) ? text : null;
  });
  return { agent, key };
}

/** The customer's share page, with the key entered. */
async function customerWithKey(key, server = duet) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/share?preferCurrentTab=1`);
  await page.getByTestId("share-key").fill(key);
  await page.getByTestId("share-submit").click();
  return page;
}

/** The customer reads who asks and accepts with a real click. */
async function accept(customer) {
  const ask = customer.getByTestId("share-ask");
  await waitUntil("who asks", async () => /wants to see your screen/.test((await ask.textContent()) ?? ""));
  await customer.getByTestId("share-accept").click();
}

/** Both sides up to live frames at the agent. */
async function liveShare() {
  const { agent, key } = await agentWithKey();
  const customer = await customerWithKey(key);
  await accept(customer);
  const video = agent.consoleFrame.getByTestId("agent-screenshare-video");
  const first = await waitUntil("frames at the agent", async () => {
    const shown = await video.evaluate((v) => ({ width: v.videoWidth, time: v.currentTime }));
    return shown.width > 0 ? shown : null;
  });
  return { agent, customer, video, first };
}

test("the customer enters the key, accepts, the agent sees the tab live, and the customer's stop ends it once", async () => {
  const { agent, customer, video, first } = await liveShare();

  await customer.locator("body").evaluate((body) => (body.style.background = "#c00"));
  await waitUntil("the video to advance", async () => (await video.evaluate((v) => v.currentTime)) > first.time);
  await waitUntil("ScreenShareConnectedEvent", async () => (await eventCount(agent.page, "ScreenShareConnectedEvent")) === 1);
  const status = customer.getByTestId("share-status");
  await waitUntil("the customer to see live", async () => (await status.getAttribute("data-state")) === "live");
  assert.match((await status.textContent()) ?? "", /Sharing your screen with/);

  await customer.getByTestId("share-stop").click();

  await waitUntil("ScreenShareEndedEvent", async () => (await eventCount(agent.page, "ScreenShareEndedEvent")) === 1);
  const agentStatus = agent.consoleFrame.getByTestId("agent-status");
  await waitUntil("the console to say the customer stopped", async () =>
    (await agentStatus.getAttribute("data-state")) === "ended" && /customer stopped/i.test((await agentStatus.textContent()) ?? ""));
  await settle();
  assert.equal(await eventCount(agent.page, "ScreenShareEndedEvent"), 1);
  assert.equal(await eventCount(agent.page, "ScreenShareConnectedEvent"), 1);
});

test("a wrong key shows a clear error and starts no share", async () => {
  const { agent, key } = await agentWithKey();
  const wrong = key === "000000" ? "000001" : "000000";

  const customer = await customerWithKey(wrong);

  const error = customer.getByTestId("share-error");
  await waitUntil("the error", async () => /check the 6 digits/.test((await error.textContent()) ?? ""));
  assert.equal(await customer.getByTestId("share-accept").isVisible(), false);
  const agentStatus = agent.consoleFrame.getByTestId("agent-status");
  assert.equal(await agentStatus.getAttribute("data-state"), "idle");
  assert.equal(await eventCount(agent.page, "ScreenShareConnectedEvent"), 0);

  // The customer script offers the same page from the shop.
  const shop = await customer.context().newPage();
  await shop.goto(`${duet.base}/demo/shop`);
  const link = shop.getByTestId("duet-share-link");
  assert.equal(await link.getAttribute("href", { timeout: WAIT_MS }), `${duet.base}/share`);
});

test("closing the agent's app tab while live ends the share once and tells the customer", async () => {
  const { agent, customer } = await liveShare();
  await waitUntil("ScreenShareConnectedEvent", async () => (await eventCount(agent.page, "ScreenShareConnectedEvent")) === 1);

  await agent.page.getByTestId("host-close-tab").click();

  await waitUntil("ScreenShareEndedEvent", async () => (await eventCount(agent.page, "ScreenShareEndedEvent")) === 1);
  const status = customer.getByTestId("share-status");
  await waitUntil("the customer to see ended", async () => (await status.getAttribute("data-state")) === "ended");
  assert.match((await status.textContent()) ?? "", /agent ended/i);
  await settle();
  assert.equal(await eventCount(agent.page, "ScreenShareEndedEvent"), 1);
});

test("ending the conversation while live ends the share once for both sides", async () => {
  const { agent, customer } = await liveShare();
  await waitUntil("ScreenShareConnectedEvent", async () => (await eventCount(agent.page, "ScreenShareConnectedEvent")) === 1);

  await agent.page.getByTestId("host-end-conversation").click();

  await waitUntil("ScreenShareEndedEvent", async () => (await eventCount(agent.page, "ScreenShareEndedEvent")) === 1);
  const status = customer.getByTestId("share-status");
  await waitUntil("the customer to see why it ended", async () =>
    (await status.getAttribute("data-state")) === "ended" && /conversation ended/i.test((await status.textContent()) ?? ""));
  await settle();
  assert.equal(await eventCount(agent.page, "ScreenShareEndedEvent"), 1);
});

describe("with other tenant settings", () => {
  /** Allows whole screens and windows only. */
  let strict;
  /** Gives the customer 2 s to accept. */
  let hasty;

  before(async () => {
    [strict, hasty] = await Promise.all([
      startDuet({ env: { DUET_ALLOWED_SURFACES: "monitor,window" } }),
      startDuet({ env: { DUET_SCREENSHARE_ACCEPT_SECS: "2" } }),
    ]);
  });

  after(async () => {
    await Promise.all([strict?.stop(), hasty?.stop()]);
  });

  test("a request nobody accepts expires, says so, and the agent can start again", async () => {
    const { agent } = await agentWithKey(hasty);

    const status = agent.consoleFrame.getByTestId("agent-status");
    await waitUntil("the console to say it expired", async () =>
      (await status.getAttribute("data-state")) === "ended" && /expired/i.test((await status.textContent()) ?? ""));
    assert.equal(await eventCount(agent.page, "ScreenShareEndedEvent"), 0, "nothing connected, so nothing ended");

    await agent.consoleFrame.getByTestId("agent-screenshare-start").click({ timeout: WAIT_MS });
    const keyBox = agent.consoleFrame.getByTestId("agent-screenshare-key");
    await waitUntil("a new request with its key", async () =>
      (await status.getAttribute("data-state")) === "idle" && (await keyBox.isVisible()) && /^\d{6}$/.test((await keyBox.textContent())?.trim() ?? ""));
  });

  test("a browser tab the tenant does not allow is refused with a clear message and a way to choose again", async () => {
    const { agent, key } = await agentWithKey(strict);
    const customer = await customerWithKey(key, strict);

    await accept(customer);

    const error = customer.getByTestId("share-error");
    // A failed wait names what the page showed instead.
    const refusal = async () => {
      const text = (await error.textContent()) ?? "";
      if (/does not allow sharing a browser tab/.test(text)) return true;
      throw new Error(`the page shows "${text}" / "${await customer.getByTestId("share-status").textContent()}"`);
    };
    await waitUntil("the refusal", refusal);
    assert.match((await error.textContent()) ?? "", /a whole screen or a window/);
    await customer.getByTestId("share-again").click();
    await waitUntil("the refusal again", refusal);
    const video = agent.consoleFrame.getByTestId("agent-screenshare-video");
    assert.equal(await video.evaluate((v) => v.videoWidth), 0);
    assert.equal(await eventCount(agent.page, "ScreenShareConnectedEvent"), 0);
  });
});
