// Screen sharing from inside a co-browse session, end to end: real tab capture and real WebRTC
// between the demo shop (customer) and the demo Omnichannel console (agents), each in its own
// browser context; stopping a share leaves the co-browse running. Also the share menu's bookmarks.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  eventCount,
  joinByCode,
  joinWithConsent,
  newConversation,
  openAgent,
  startCustomer,
  startDuet,
  useDuet,
  waitUntil,
} from "./support/duet.mjs";

/** Longest wait for media to flow. */
const MEDIA_WAIT_MS = 20_000;
const ADMIN_KEY = "admin-key-for-e2e";

let duet;
let browser;
useDuet({ screenCapture: true }, (started) => ({ duet, browser } = started));

/** A customer and an agent in an active co-browse session, both able to capture their tab. */
async function connected(server = duet) {
  const conversation = newConversation();
  const customer = await startCustomer(browser, server.base, conversation, { screenCapture: true });
  const agent = await openAgent(browser, server.base, conversation, { screenCapture: true });
  await joinByCode(agent, customer.code);
  return { customer, agent, conversation };
}

/** Waits until `video` has a picture and its playback time moves on; `nudge` repaints the source. */
async function assertFramesFlow(video, nudge) {
  const first = await waitUntil("a picture in the video", async () => {
    const shown = await video.evaluate((v) => ({ width: v.videoWidth, time: v.currentTime }));
    return shown.width > 0 ? shown : null;
  }, MEDIA_WAIT_MS);
  await nudge();
  await waitUntil("the video to advance", async () => (await video.evaluate((v) => v.currentTime)) > first.time, MEDIA_WAIT_MS);
}

/** The co-browse still runs: the customer's typing reaches the mirror, the console is active, no end event. */
async function assertCobrowseStillActive(customer, agent, text) {
  await customer.page.locator('input[name="name"]').fill(text);
  await waitUntil("the typed name in the mirror", async () =>
    (await agent.mirror.locator('input[name="name"]').inputValue({ timeout: 1_000 })) === text);
  assert.equal(await agent.consoleFrame.getByTestId("agent-status").getAttribute("data-state"), "active");
  assert.equal(await customer.page.getByTestId("cobrowse-status").getAttribute("data-state"), "active");
  assert.equal(await eventCount(agent.page, "CobrowseEndedEvent"), 0);
}

const repaint = (page) => () => page.locator("body").evaluate((body) => (body.style.background = "#c00"));

test("inside co-browse the agent shows their screen to the customer, stops, and the co-browse goes on", async () => {
  const { customer, agent } = await connected();

  await agent.consoleFrame.getByTestId("agent-share-start").click();

  const panel = customer.page.getByTestId("cobrowse-agent-screen");
  await assertFramesFlow(panel.locator("video"), repaint(agent.page));
  assert.match((await customer.page.getByTestId("cobrowse-agent-screen-name").textContent()) ?? "", /is showing their screen/);
  assert.equal(await agent.mirror.getByTestId("cobrowse-agent-screen").count(), 0, "the panel is not recorded");
  await agent.consoleFrame.getByTestId("agent-share-stop").click();
  await waitUntil("the customer's panel to close", async () => !(await panel.isVisible()));
  await assertCobrowseStillActive(customer, agent, "Grace Hopper");
});

test("the agent asks, the customer shows their screen, the agent sees it, the customer stops, and the co-browse goes on", async () => {
  const { customer, agent } = await connected();

  await agent.consoleFrame.getByTestId("agent-share-request").click();
  const request = customer.page.getByTestId("cobrowse-share-request");
  await waitUntil("the customer to be asked", async () => /asks to see your screen/.test((await request.textContent()) ?? ""));
  await customer.page.getByTestId("cobrowse-share-accept").click();

  const video = agent.consoleFrame.getByTestId("agent-cobrowse-share-video");
  await assertFramesFlow(video, repaint(customer.page));
  await customer.page.getByTestId("cobrowse-share-stop").click();
  await waitUntil("the agent's video to close", async () => !(await video.isVisible()));
  await assertCobrowseStillActive(customer, agent, "Ada Lovelace");
});

test("a second agent who shows their screen takes over, the first is told, and the customer sees the second", async () => {
  const { customer, agent: ann, conversation } = await connected();
  const bo = await openAgent(browser, duet.base, conversation, { name: `Bo ${conversation}`, screenCapture: true });
  await joinWithConsent(bo, customer, customer.code);
  const name = customer.page.getByTestId("cobrowse-agent-screen-name");
  const panelVideo = customer.page.getByTestId("cobrowse-agent-screen").locator("video");

  await ann.consoleFrame.getByTestId("agent-share-start").click();
  await waitUntil("Ann's name on the panel", async () => ((await name.textContent()) ?? "").startsWith("Agent "));
  await assertFramesFlow(panelVideo, repaint(ann.page));
  const streamId = () => panelVideo.evaluate((v) => v.srcObject?.id ?? "");
  const annStream = await streamId();
  await bo.consoleFrame.getByTestId("agent-share-start").click();

  const message = ann.consoleFrame.getByTestId("agent-share-message");
  await waitUntil("Ann to be told", async () => /another agent is sharing their screen/i.test((await message.textContent()) ?? ""));
  assert.equal(await ann.consoleFrame.getByTestId("agent-share-stop").isVisible(), false);
  await waitUntil("Bo's name on the panel", async () => ((await name.textContent()) ?? "").startsWith("Bo "));
  await waitUntil("Bo's stream on the panel", async () => {
    const id = await streamId();
    return id !== "" && id !== annStream;
  });
  await assertFramesFlow(panelVideo, repaint(bo.page));
  await assertCobrowseStillActive(customer, ann, "Katherine Johnson");
});

describe("with an administrator key", () => {
  let admin;

  before(async () => {
    admin = await startDuet({ env: { DUET_ADMIN_KEY: ADMIN_KEY } });
  });

  after(async () => {
    await admin?.stop();
  });

  async function create(entry) {
    const response = await fetch(`${admin.base}/api/tenant/bookmarks`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify(entry),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return response.json();
  }

  test("the agent's share menu lists the tenant's bookmarks and folders, opening in a new tab", async () => {
    const folder = await create({ kind: "folder", name: "Billing help" });
    await create({ kind: "bookmark", name: "Refund policy", url: "https://help.example.com/refunds", folder: folder.id });
    await create({ kind: "bookmark", name: "Order tracking", url: "https://help.example.com/orders" });

    const { agent } = await connected(admin);

    const bookmarks = agent.consoleFrame.getByTestId("agent-bookmarks");
    await waitUntil("the bookmarks in the menu", async () => {
      const text = (await bookmarks.textContent()) ?? "";
      return ["Billing help", "Refund policy", "Order tracking"].every((name) => text.includes(name));
    });
    await agent.consoleFrame.getByTestId("agent-bookmarks-toggle").click();
    const refund = bookmarks.getByRole("link", { name: "Refund policy" });
    assert.equal(await refund.getAttribute("href"), "https://help.example.com/refunds");
    assert.equal(await refund.getAttribute("target"), "_blank");
    assert.equal(await refund.isVisible(), true);
  });
});
