// The agent sees the real web (#17): pages that replace the globals Duet's script uses, Duet's
// own widget on the page, a select chosen before the agent joined, and images from blob: URLs,
// each compared between the customer's page and the agent's mirror.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { joinByCode, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { decodeFrames, frameTexts } from "./support/domframes.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";

/** What every masked value becomes (webresource/src/sdk/masking.ts). */
const MASK = "••••••";
/** Rows on the hostile page: enough elements that the snapshot is sent in slices. */
const HOSTILE_ROWS = 1_500;
/** Off by at most this many CSS pixels between the customer's page and the mirror. */
const POSITION_SLACK_PX = 2;

const site = await startFixtureServer({
  "/hostile.html": (url) => hostilePage(url),
  "/widget.html": (url) => widgetPage(url),
  "/select.html": (url) => selectPage(url),
  "/blob.html": (url) => blobPage(url),
});
after(() => site.stop());

let duet;
let browser;
useDuet({ env: { DUET_ALLOWED_ORIGINS: site.origin, DUET_MASK_SELECTORS: "#tenant-secret" } }, (started) => ({ duet, browser } = started));

test("a page that replaced MutationObserver, MessageChannel, fetch, timers, JSON and WebSocket's methods before Duet loaded is shared whole and live, and sees none of Duet's traffic", async () => {
  const { customer, agent, sent } = await watched("hostile.html");

  // The snapshot went out whole, in slices (scheduled without the page's MessageChannel).
  await waitUntil("the page's last row in the mirror", () => agent.mirror.locator("#row-last").count().then((count) => count === 1));
  assert.equal(await agent.mirror.locator("#rows > li").count(), HOSTILE_ROWS);
  const doms = decodeFrames(sent).filter((message) => message.type === "dom");
  const fullAt = doms.findLastIndex((message) => message.full);
  assert.ok(fullAt >= 0 && !JSON.stringify(doms[fullAt].events).includes("The last row"), "the snapshot was not sliced");

  // Later changes follow: a new paragraph and a changed text (the page's MutationObserver throws).
  await customer.page.locator("#status").evaluate((status) => {
    status.textContent = "Changed after the agent joined";
    const added = document.createElement("p");
    added.id = "added-later";
    added.textContent = "Added after the agent joined";
    document.body.append(added);
  });
  await waitUntil("the later paragraph in the mirror", async () => (await agent.mirror.locator("#added-later").textContent({ timeout: 1_000 })) === "Added after the agent joined");
  assert.equal(await agent.mirror.locator("#status").textContent(), "Changed after the agent joined");

  // The customer's pointer (drawn per animation frame; the page's requestAnimationFrame never runs).
  await customer.page.mouse.move(300, 200);
  await agent.consoleFrame.locator(".customer-pointer").waitFor({ state: "visible" });

  // Nothing of Duet's went through the page's replacements.
  const saw = await customer.page.evaluate(() => window.pageSaw);
  assert.deepEqual(saw.filter((entry) => entry.startsWith("socket ") || entry.startsWith("fetch ")), []);
  const duetJson = saw.filter((entry) => /"(token|hello|welcome|snapshot_needed|savedAt)"|"type":"(front|ping)"/.test(entry));
  assert.deepEqual(duetJson, [], "the page's JSON saw Duet's messages");
});

test("Duet's widget and share link take no room in the mirror: what the page adds to <body> after them is where the customer sees it", async () => {
  const { customer, agent } = await watched("widget.html", { button: true });
  await customer.page.getByTestId("duet-share-link").waitFor();
  const widget = await customer.page.getByTestId("cobrowse-widget").boundingBox();
  assert.ok(widget !== null && widget.height > 100, "the widget's panel is open on the customer's page");

  // One block the page added before the agent joined (in the snapshot), one after (a mutation).
  await customer.page.evaluate(() => window.addBlock("late-block"));
  for (const id of ["early-block", "late-block"]) {
    const box = (locator) => locator.evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return { top: rect.top, left: rect.left };
    }, null, { timeout: 1_000 });
    const mirrored = await waitUntil(`#${id} in the mirror`, () => box(agent.mirror.locator(`#${id}`)).catch(() => null));
    const seen = await box(customer.page.locator(`#${id}`));
    assert.ok(Math.abs(mirrored.top - seen.top) <= POSITION_SLACK_PX, `#${id}: top ${mirrored.top} in the mirror, ${seen.top} on the page`);
    assert.ok(Math.abs(mirrored.left - seen.left) <= POSITION_SLACK_PX, `#${id}: left ${mirrored.left} in the mirror, ${seen.left} on the page`);
  }
  const duetUi = await agent.mirror.locator("[data-duet-ui], [data-testid=cobrowse-widget], [data-testid=duet-share-link]").count();
  assert.equal(duetUi, 0, "Duet's own UI reached the mirror");
});

test("a select chosen before the agent joined shows that option in the mirror; a masked one shows nothing of its choice", async () => {
  const conversation = newConversation();
  const page = await openSite(conversation, "select.html");
  await page.locator("#plan").selectOption("gold");
  await page.locator("#site-secret").selectOption("third");
  await page.locator("#tenant-secret").selectOption("third");
  const { agent, sent } = await join(page, conversation);

  const chosen = (locator) => locator.evaluate((select) => select.selectedOptions[0]?.textContent ?? "", null, { timeout: 1_000 });
  await waitUntil("the plan in the mirror", async () => (await chosen(agent.mirror.locator("#plan"))) === "Gold plan");
  for (const id of ["site-secret", "tenant-secret"]) {
    const mirrored = agent.mirror.locator(`#${id}`);
    assert.notEqual(await chosen(mirrored), "Third secret", `#${id}`);
    const options = await mirrored.evaluate((select) => [...select.options].map((option) => ({ text: option.textContent, value: option.getAttribute("value"), selected: option.hasAttribute("selected") })));
    assert.deepEqual(options, [0, 1, 2].map(() => ({ text: MASK, value: MASK, selected: false })), `#${id}'s options in the mirror`);
  }

  // Changed after the join: the plan follows, the masked one stays masked (its change was sent
  // before the plan's, and events apply in order).
  await page.locator("#site-secret").selectOption("second");
  await page.locator("#plan").selectOption("platinum");
  await waitUntil("the new plan in the mirror", async () => (await chosen(agent.mirror.locator("#plan"))) === "Platinum plan");
  assert.notEqual(await chosen(agent.mirror.locator("#site-secret")), "Second secret");
  // An option added to a masked select later, and a value changed on one: masked too.
  await page.evaluate(() => {
    const select = document.querySelector("#site-secret");
    select.append(new Option("Fourth secret", "fourth"));
    select.options[0].value = "renamed";
  });
  await waitUntil("the added option in the mirror", () => agent.mirror.locator("#site-secret option").count().then((count) => count === 4 || null));
  assert.equal(await agent.mirror.locator("#plan option").first().getAttribute("value"), "basic", "a shown select keeps its values");
  const texts = frameTexts(sent);
  for (const secret of ["First secret", "Second secret", "Third secret", "Fourth secret", "\"first\"", "\"second\"", "\"third\"", "fourth", "renamed"]) {
    assert.ok(!texts.some((text) => text.includes(secret)), `a frame carries ${secret}`);
  }
});

test("images shown from blob: URLs reach the mirror as the customer sees them, except inside masked elements", async () => {
  const conversation = newConversation();
  const page = await openSite(conversation, "blob.html");
  await page.evaluate(() => window.imagesReady);
  const { agent, sent } = await join(page, conversation);
  await page.evaluate(() => window.addBlobImage("after", [0, 0, 255], "shown"));

  const pixel = (id) =>
    agent.mirror.locator(`#${id}`).evaluate((image) => {
      if (!image.complete || image.naturalWidth === 0 || !image.src.startsWith("data:image/")) return null;
      const canvas = image.ownerDocument.createElement("canvas");
      [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0);
      return [...context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data.slice(0, 3)];
    }, null, { timeout: 1_000 });
  const near = (got, want) => got !== null && got.every((value, i) => Math.abs(value - want[i]) <= 16);
  // "before" revoked its blob: URL once it loaded; the page still shows it, and so does the mirror.
  for (const [id, color] of [["before", [255, 0, 0]], ["after", [0, 0, 255]]]) {
    const seen = await waitUntil(`#${id} drawn in the mirror`, async () => {
      const got = await pixel(id).catch(() => null);
      return near(got, color) ? got : null;
    });
    assert.ok(near(seen, color), `#${id} is ${seen} in the mirror`);
    const size = (locator) => locator.evaluate((image) => [image.getBoundingClientRect().width, image.getBoundingClientRect().height]);
    assert.deepEqual(await size(agent.mirror.locator(`#${id}`)), await size(page.locator(`#${id}`)), `#${id}'s size`);
  }
  const masked = await agent.mirror.locator("#masked").evaluate((image) => ({ src: image.getAttribute("src"), width: image.naturalWidth }));
  assert.ok(masked.src.startsWith("blob:") && masked.width === 0, `the masked image reached the mirror: ${masked.src.slice(0, 40)}`);
  const images = new Set(frameTexts(sent).flatMap((text) => text.match(/data:image\/[^"]+/g) ?? []));
  assert.equal(images.size, 2, "images sent: the two shown ones only");
});

/** A page of the site with a started session, an agent who joined it, and the frames the page sent. */
async function watched(path, { button = false } = {}) {
  const conversation = newConversation();
  const page = await openSite(conversation, path, { button });
  const joined = await join(page, conversation);
  return { customer: { page }, ...joined };
}

/** `path` of the site, with Duet's script, and the frames it will send (in `page.sent`). */
async function openSite(conversation, path, { button = false } = {}) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.sent = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => page.sent.push(frame.payload)));
  const query = new URLSearchParams({ duet: duet.base, conversation, button: button ? "on" : "off" });
  await page.goto(`${site.origin}/${path}?${query}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  return page;
}

/** Starts the session on `page` and has an agent join it. */
async function join(page, conversation) {
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, sessionId);
  await waitUntil("the page in the mirror", () => agent.mirror.locator("#ready").count());
  return { agent, sent: page.sent };
}

/** Duet's script tag for a fixture URL: without its floating button unless `button=on`. */
function scriptTag(url) {
  const [base, conversation] = [url.searchParams.get("duet"), url.searchParams.get("conversation")];
  return url.searchParams.get("button") === "on" ? `<script src="${base}/sdk.js" data-conversation="${conversation}"></script>` : sdkTag(base, conversation);
}

/** A page whose own scripts, before Duet's, replace what frameworks, monitoring scripts and fake
 * clocks replace: a MutationObserver and a MessageChannel that throw, a fetch that fails, timers
 * and animation frames that never run, JSON that records what it sees, a WebSocket send that
 * throws and listeners on sockets that are never called. `window.pageSaw` lists what reached
 * them (as "socket …", "fetch …", "channel", or the JSON text). Duet tries the page's
 * MessageChannel (a channel must come from the page's own realm) and then does without. */
function hostilePage(url) {
  const rows = Array.from({ length: HOSTILE_ROWS }, (_, i) => `<li id="row-${i}"><span>Row ${i}</span> <em>item</em> <a href="#row-${i}">open</a></li>`);
  rows[HOSTILE_ROWS - 1] = `<li id="row-last"><span>The last row</span></li>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>hostile</title>
<script>
  window.pageSaw = [];
  const seen = (entry) => window.pageSaw.push(String(entry).slice(0, 300));
  const [stringify, parse] = [JSON.stringify, JSON.parse];
  JSON.stringify = function (...args) { const text = stringify.apply(JSON, args); seen(text); return text; };
  JSON.parse = function (text, reviver) { seen(text); return parse.call(JSON, text, reviver); };
  window.MutationObserver = class { constructor() { throw new Error("this page's MutationObserver"); } };
  window.WebKitMutationObserver = window.MutationObserver;
  window.MessageChannel = class { constructor() { seen("channel"); throw new Error("this page's MessageChannel"); } };
  window.fetch = (input) => { seen("fetch " + input); return Promise.reject(new TypeError("this page's fetch")); };
  let ticks = 0;
  window.setTimeout = window.setInterval = window.requestAnimationFrame = () => ++ticks;
  window.clearTimeout = window.clearInterval = window.cancelAnimationFrame = () => undefined;
  WebSocket.prototype.send = function () { seen("socket send"); throw new Error("this page's WebSocket send"); };
  const listen = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (this instanceof WebSocket) return void seen("socket listen " + type);
    return listen.call(this, type, listener, options);
  };
</script></head>
<body><h1 id="ready">Orders</h1><p id="status">Before the agent joined</p>
<ul id="rows">${rows.join("")}</ul>
${scriptTag(url)}</body></html>`;
}

/** A short page with Duet's widget (and, with `button=on`, its share link) on it; a block the
 * page adds to <body> after Duet's script mounted them, and `window.addBlock(id)` for more. */
function widgetPage(url) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>widget</title>
<style>body { margin: 0; font: 16px/1.5 sans-serif } .block { height: 40px; margin: 8px 24px; background: #dde }</style></head>
<body><h1 id="ready">Account</h1><p>Some text above.</p>
${scriptTag(url)}
<script>
  window.addBlock = (id) => {
    const block = document.createElement("div");
    block.id = id;
    block.className = "block";
    block.textContent = id;
    document.body.append(block);
  };
  window.addEventListener("load", () => window.addBlock("early-block"));
</script></body></html>`;
}

/** Images from blob: URLs the page draws itself: one shown (its URL revoked once it loaded), one
 * inside a masked element, and `window.addBlobImage(id, rgb, parentId)` for more. */
function blobPage(url) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>blob</title></head>
<body><h1 id="ready">Your documents</h1><div id="shown"></div><div id="masked-box" data-duet-mask></div>
<script>
  window.addBlobImage = async (id, [r, g, b], parentId, revoke = false) => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [80, 60];
    const context = canvas.getContext("2d");
    context.fillStyle = "rgb(" + r + "," + g + "," + b + ")";
    context.fillRect(0, 0, 80, 60);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
    const image = new Image(40, 30);
    image.id = id;
    image.src = URL.createObjectURL(blob);
    document.getElementById(parentId).append(image);
    await image.decode();
    if (revoke) URL.revokeObjectURL(image.src);
  };
  window.imagesReady = Promise.all([window.addBlobImage("before", [255, 0, 0], "shown", true), window.addBlobImage("masked", [0, 255, 0], "masked-box")]);
</script>
${scriptTag(url)}</body></html>`;
}

/** Three selects: a plain one, one the site masks (data-duet-mask) and one the tenant's mask
 * selectors hide (#tenant-secret). */
function selectPage(url) {
  const secret = (id, extra) => `<select id="${id}" ${extra}><option value="first">First secret</option><option value="second">Second secret</option><option value="third">Third secret</option></select>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>select</title></head>
<body><h1 id="ready">Your plan</h1>
<label>Plan <select id="plan"><option value="basic">Basic plan</option><option value="gold">Gold plan</option><option value="platinum">Platinum plan</option></select></label>
<label>Site secret ${secret("site-secret", "data-duet-mask")}</label>
<label>Tenant secret ${secret("tenant-secret", "")}</label>
${scriptTag(url)}</body></html>`;
}
