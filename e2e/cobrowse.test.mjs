// The browser paths end to end: the real duet binary, the demo shop as the customer, the demo
// Omnichannel desktop as the agent (app tab → console → mirror), in separate browser contexts.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  WAIT_MS,
  eventCount,
  joinByCode,
  newConversation,
  openAgent,
  startCustomer,
  waitUntil,
  useDuet,
} from "./support/duet.mjs";
import { anyBinary, frameTexts } from "./support/domframes.mjs";
import { forgedCustomer } from "./support/forged.mjs";

/** Time given to a duplicate event or a stray script to show up before we say there is none. */
const SETTLE_MS = 1_000;

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

async function connected() {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  return { customer, agent };
}

async function mirrorValue(agent, name) {
  return agent.mirror.locator(`input[name="${name}"]`).inputValue({ timeout: 1_000 });
}

test("an agent joins by code, sees the customer type, and the customer's exit ends it once for good", async () => {
  const { customer, agent } = await connected();

  await customer.page.locator('input[name="name"]').fill("Ada Lovelace");
  await waitUntil("the typed name in the mirror", async () => (await mirrorValue(agent, "name")) === "Ada Lovelace");

  await customer.page.getByTestId("cobrowse-exit").click();
  const status = agent.consoleFrame.getByTestId("agent-status");
  await waitUntil("the console to show ended", async () => (await status.getAttribute("data-state")) === "ended");
  await waitUntil("CobrowseEndedEvent", async () => (await eventCount(agent.page, "CobrowseEndedEvent")) === 1);
  await settle();
  assert.equal(await eventCount(agent.page, "CobrowseEndedEvent"), 1);

  await agent.consoleFrame.getByTestId("agent-code").fill(customer.code);
  await agent.consoleFrame.getByTestId("agent-join").click({ timeout: WAIT_MS });
  const message = agent.consoleFrame.getByTestId("agent-message");
  await waitUntil("a refusal that asks for a new session", async () => /new session/i.test((await message.textContent()) ?? ""));
});

test("closing the agent's app tab ends the session once and tells the customer", async () => {
  const { customer, agent } = await connected();

  await agent.page.getByTestId("host-close-tab").click();

  await waitUntil("CobrowseEndedEvent", async () => (await eventCount(agent.page, "CobrowseEndedEvent")) === 1);
  const status = customer.page.getByTestId("cobrowse-status");
  await waitUntil("the customer to see ended", async () => (await status.getAttribute("data-state")) === "ended");
  await settle();
  assert.equal(await eventCount(agent.page, "CobrowseEndedEvent"), 1);
});

test("passwords and masked fields never leave the customer's browser, while other fields do", async () => {
  const conversation = newConversation();
  const sent = [];
  const customer = await startCustomerRecordingFrames(conversation, sent);
  const agent = await openAgent(browser, duet.base, conversation);
  const received = [];
  agent.page.on("websocket", (ws) => ws.on("framereceived", (frame) => received.push(frame.payload)));
  await joinByCode(agent, customer.code);

  const secretPassword = "Sentinel-Password-7f3a";
  const secretCard = "4111999988887777";
  const visible = "Visible-Sentinel-c41d";
  await customer.page.locator('input[name="password"]').fill(secretPassword);
  await customer.page.locator('input[name="card"]').fill(secretCard);
  await customer.page.locator('input[name="email"]').fill(`${visible}@example.com`);

  // Page changes go out compressed: the frames are read the way a console reads them.
  await waitUntil("the visible text in a sent frame", () => frameTexts(sent).some((text) => text.includes(visible)));
  await waitUntil("the visible text in the mirror", async () => (await mirrorValue(agent, "email")).includes(visible));
  await settle();
  assert.ok(anyBinary(sent), "the customer sends page changes as binary frames");
  const [sentTexts, receivedTexts] = [frameTexts(sent), frameTexts(received)];
  assert.ok(receivedTexts.some((text) => text.includes(visible)), "the agent's inflated frames carry the visible text");
  for (const secret of [secretPassword, secretCard]) {
    assert.ok(!sentTexts.some((text) => text.includes(secret)), `a frame the customer sent contains ${secret}`);
    assert.ok(!receivedTexts.some((text) => text.includes(secret)), `a frame the agent received contains ${secret}`);
    assert.ok(!duet.logs().includes(secret), `the server's output contains ${secret}`);
    assert.notEqual(await mirrorValue(agent, secret === secretCard ? "card" : "password"), secret);
  }
  const hidden = await customer.page.locator("[data-duet-ui]").allTextContents();
  assert.match(hidden.join(" "), /Hidden from the agent: .*Password.*Card number/);
});

test("nothing of the customer's page leaves the browser until an agent joins", async () => {
  const conversation = newConversation();
  const sent = [];
  const customer = await startCustomerRecordingFrames(conversation, sent);
  await customer.page.locator('input[name="name"]').fill("Typed before anyone watches");
  await settle();
  assert.ok(!anyBinary(sent), "page changes were sent before any agent joined");
  assert.ok(!frameTexts(sent).some((text) => text.includes("Typed before anyone watches")));

  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  await waitUntil("the page in the mirror", async () => (await mirrorValue(agent, "name")).includes("Typed before anyone watches"));
  assert.ok(anyBinary(sent), "once an agent joined, the page went out");
});

test("each side sees the other's pointer, and the customer's page sends it as six-byte binary frames", async () => {
  const conversation = newConversation();
  const sent = [];
  const customer = await startCustomerRecordingFrames(conversation, sent);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, customer.code);
  await waitUntil("the page in the mirror", async () => (await agent.mirror.locator('input[name="name"]').count()) === 1);

  await customer.page.mouse.move(300, 200);
  const customerPointer = agent.consoleFrame.locator(".customer-pointer");
  await waitUntil("the customer's pointer in the console", async () => (await customerPointer.evaluate((dot) => dot.style.display)) === "block");
  const pointerFrames = sent.filter((payload) => typeof payload !== "string" && payload[0] === 2);
  assert.ok(pointerFrames.length > 0 && pointerFrames.every((payload) => payload.length === 6), "the pointer went out as 6-byte binary frames");
  assert.deepEqual([pointerFrames.at(-1).readInt16LE(2), pointerFrames.at(-1).readInt16LE(4)], [300, 200]);

  const overlay = await agent.consoleFrame.locator(".mirror-overlay").boundingBox();
  await agent.page.mouse.move(overlay.x + overlay.width / 2, overlay.y + overlay.height / 2);
  const agentPointer = customer.page.locator("[data-duet-ui][title=\"Agent's pointer\"]");
  await waitUntil("the agent's pointer on the customer's page", async () => (await agentPointer.evaluate((dot) => dot.style.display)) === "block");
});

async function startCustomerRecordingFrames(conversation, sent) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("websocket", (ws) => ws.on("framesent", (frame) => sent.push(frame.payload)));
  await page.goto(`${duet.base}/demo/shop?conversation=${encodeURIComponent(conversation)}`);
  await page.getByTestId("cobrowse-start").click();
  const code = await waitUntil("the session code", async () => {
    const text = ((await page.getByTestId("cobrowse-code").textContent()) ?? "").trim();
    return /^\d{9}$/.test(text) ? text : null;
  });
  return { page, code };
}

test("the customer page's scripts, handlers and javascript: links never run in the agent's console", async () => {
  const count = async () => (await (await fetch(`${duet.base}/demo/pwned/count`)).json()).count;
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  // The markup is live where scripts may run: on the customer's own page it fired (as via=customer).
  await waitUntil("the shop's own handlers to run", () => customer.page.evaluate(() => (window.__shopPwnedSeen ?? 0) >= 2));
  const before = await count();

  const agent = await openAgent(browser, duet.base, conversation);
  const dialogs = [];
  agent.page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await joinByCode(agent, customer.code);
  await waitUntil("the shop in the mirror", () => agent.mirror.locator('img[src*="nope.png"]').count());
  await agent.mirror.getByTestId("shop-js-link").dispatchEvent("click");
  await settle();

  assert.equal(await count(), before, "a script from the customer's page ran in the agent's console");
  assert.deepEqual(dialogs, []);
  const consoleFrame = agent.page.frames().find((frame) => frame.url().includes("/console"));
  assert.ok(consoleFrame, "the console frame is there");
  assert.equal(await consoleFrame.evaluate(() => typeof window.__duetPwned), "undefined");
  const mirrorHandle = await consoleFrame.$('[data-testid="agent-mirror"]');
  const sandbox = await mirrorHandle.getAttribute("sandbox");
  assert.notEqual(sandbox, null, "the mirror frame is sandboxed");
  assert.ok(!sandbox.split(/\s+/).includes("allow-scripts"), `the mirror sandbox allows scripts: ${sandbox}`);
  const mirrorFrame = await mirrorHandle.contentFrame();
  assert.equal(await mirrorFrame.evaluate(() => typeof window.__duetPwned), "undefined");
});

test("forged scripts, handlers and javascript: URLs from a customer's socket are taken out before the mirror rebuilds them", async () => {
  const forged = await forgedCustomer(browser, duet.base, newConversation());
  const agent = await openAgent(browser, duet.base, forged.conversation);
  await joinByCode(agent, forged.code);
  await waitUntil("the snapshot request", () => forged.snapshotAsked());
  await forged.send({ type: "dom", full: true, events: [forgedMeta, forgedSnapshot] });
  await forged.send({ type: "dom", full: false, events: [forgedMutation] });
  await forged.send({ type: "dom", full: false, events: [lateMutation] });

  // The late paragraph comes after changes under the removed script's id: the mirror kept going.
  await waitUntil("the late paragraph in the mirror", () => agent.mirror.locator("#late").count());
  const found = await agent.mirror.locator("body").evaluate((body) => {
    const elements = [...body.ownerDocument.querySelectorAll("*")];
    const names = (el) => [...el.attributes].map((a) => a.name);
    return {
      scripts: body.ownerDocument.getElementsByTagName("script").length + body.ownerDocument.getElementsByTagNameNS("http://www.w3.org/2000/svg", "script").length,
      handlers: elements.flatMap((el) => names(el).filter((name) => /^on/i.test(name)).map((name) => `${el.localName}[${name}]`)),
      javascriptUrls: elements.flatMap((el) => [...el.attributes].filter((a) => /^\s*javascript:/i.test(a.value.replace(/[\t\n\r]/g, ""))).map((a) => `${el.localName}[${a.name}]`)),
      kept: ["#marker", "#link", "#image", "#after", "#under-script"].map((selector) => body.ownerDocument.querySelectorAll(selector).length),
    };
  });
  assert.equal(found.scripts, 0, "a script element reached the mirror");
  assert.deepEqual(found.handlers, [], "handler attributes reached the mirror");
  assert.deepEqual(found.javascriptUrls, [], "javascript: URLs reached the mirror");
  assert.deepEqual(found.kept, [1, 1, 1, 1, 1], "the rest of the forged page is in the mirror");
});


const forgedMeta = { type: 4, data: { href: "https://shop.example/", width: 1024, height: 768 } };
const element = (id, tagName, attributes = {}, childNodes = [], extra = {}) => ({ type: 2, id, tagName, attributes, childNodes, ...extra });
const text = (id, textContent) => ({ type: 3, id, textContent });
/** A page with every way markup can run: script elements (HTML, upper case, SVG), handlers in any
 * case, and javascript: URLs however a browser still reads them. */
const forgedSnapshot = {
  type: 2,
  data: {
    initialOffset: { left: 0, top: 0 },
    node: {
      type: 0,
      id: 1,
      childNodes: [
        { type: 1, id: 2, name: "html", publicId: "", systemId: "" },
        element(3, "html", {}, [
          element(4, "head", {}, [element(5, "script", {}, [text(6, "parent.__forged = 1")])]),
          element(7, "body", { onload: "parent.__forged = 2" }, [
            element(8, "p", { id: "marker", onclick: "parent.__forged = 3" }, [text(9, "Forged page")]),
            element(10, "a", { id: "link", href: " java\tscript:parent.__forged = 4", ONMOUSEOVER: "parent.__forged = 5" }, [text(11, "link")]),
            element(12, "img", { id: "image", src: "/nope.png", onerror: "parent.__forged = 6" }),
            element(13, "SCRIPT", { src: "/evil.js" }),
            element(14, "svg", {}, [element(15, "script", { href: "/evil.js" }, [], { isSVG: true }), element(16, "a", { "xlink:href": "JavaScript:parent.__forged = 7" }, [], { isSVG: true })], { isSVG: true }),
            element(17, "form", { action: "javascript:parent.__forged = 8" }, [element(18, "button", { formaction: "javascript:parent.__forged = 9", onfocus: "parent.__forged = 10" })]),
          ]),
        ]),
      ],
    },
  },
};
/** Changes that add a script, set handlers and a javascript: URL, and name the removed script's id. */
const forgedMutation = {
  type: 3,
  data: {
    source: 0,
    texts: [{ id: 6, value: "parent.__forged = 11" }],
    attributes: [{ id: 8, attributes: { onclick: "parent.__forged = 12", OnPointerDown: "parent.__forged = 13" } }, { id: 10, attributes: { href: "javascript:parent.__forged = 14" } }, { id: 13, attributes: { src: "/evil2.js" } }],
    removes: [],
    adds: [
      { parentId: 7, nextId: null, node: element(20, "script", {}, [], {}) },
      { parentId: 20, nextId: null, node: element(21, "b", { id: "under-script" }) },
      { parentId: 7, nextId: null, node: element(22, "p", { id: "after", onmouseenter: "parent.__forged = 15" }) },
    ],
  },
};
const lateMutation = { type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [{ parentId: 7, nextId: null, node: element(23, "p", { id: "late" }) }] } };

test("the app tab refuses missing, broken and incomplete data with a clear message and no event", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__hostEvents = [];
    for (const name of ["CobrowseConnectedEvent", "CobrowseEndedEvent", "ScreenShareConnectedEvent", "ScreenShareEndedEvent"]) {
      window.addEventListener(name, () => window.__hostEvents.push(name));
    }
  });
  const cases = [
    ["", /without its data parameter/],
    ["?data=notjson", /not valid JSON/],
    [`?data=${encodeURIComponent(JSON.stringify({ foo: 1 }))}`, /no conversationId/],
  ];
  for (const [query, expected] of cases) {
    await page.goto(`${duet.base}/webresource/cobrowse.html${query}`);
    const error = page.getByTestId("apptab-error");
    await error.waitFor({ state: "visible", timeout: WAIT_MS });
    assert.match((await error.textContent()) ?? "", expected);
    assert.equal(await page.locator("iframe").count(), 0, `no console is framed for ${query || "no data"}`);
    await page.evaluate(() => window.dispatchEvent(new Event("beforeunload")));
    assert.deepEqual(await page.evaluate(() => window.__hostEvents), [], `no event for ${query || "no data"}`);
  }
  await context.close();
});
