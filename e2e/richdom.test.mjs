// The agent sees the real web (#17), rich DOM: open shadow roots, constructed stylesheets,
// dialogs, <details> and popovers, canvases as images, media state, and the customer's focus and
// hover, each compared between the customer's page and the agent's mirror. Every case sits after
// FILLER_ROWS rows, so it reaches the agent in the snapshot's slices (e2e/support/richpages.mjs).

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { joinByCode, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { decodeFrames, frameTexts } from "./support/domframes.mjs";
import { startFixtureServer } from "./support/fixtures.mjs";
import { FILLER_ROWS, richPages } from "./support/richpages.mjs";

/** What every masked value becomes (webresource/src/sdk/masking.ts). */
const MASK = "••••••";
/** Off by at most this many CSS pixels between the customer's page and the mirror. */
const POSITION_SLACK_PX = 2;
/** A canvas redraw reaches the mirror within this long. */
const CANVAS_REDRAW_MS = 1_500;
/** Colour channels may differ this much after encoding a canvas. */
const PIXEL_SLACK = 12;

const site = await startFixtureServer(richPages);
after(() => site.stop());

let duet;
let browser;
useDuet({ env: { DUET_ALLOWED_ORIGINS: site.origin } }, (started) => ({ duet, browser } = started));

const computed = (property) => (locator) => locator.evaluate((element, name) => getComputedStyle(element)[name], property, { timeout: 1_000 });
const color = computed("color");

test("text and style inside an open shadow root show in the mirror, follow changes, and a masked input or masked box inside one stays masked", async () => {
  const { customer, agent, sent } = await watched("shadow.html");
  const inner = agent.mirror.locator("#inner");
  await waitUntil("the shadow root's text in the mirror", async () => (await inner.textContent({ timeout: 1_000 }).catch(() => null)) === "Text inside the shadow root");
  assert.equal(await color(inner), await color(customer.locator("#inner")));
  assert.equal(await computed("fontWeight")(inner), await computed("fontWeight")(customer.locator("#inner")));
  assert.equal(await agent.mirror.locator("#shadow-secret").inputValue(), MASK);

  await customer.evaluate(() => window.changeShadow());
  await waitUntil("the change inside the shadow root", async () => (await agent.mirror.locator("#added-in-shadow").textContent({ timeout: 1_000 }).catch(() => null)) === "Added inside the shadow root");
  assert.equal(await inner.textContent(), "Changed inside the shadow root");
  assert.equal(await color(agent.mirror.locator("#added-in-shadow")), "rgb(200, 0, 0)");
  await customer.evaluate(() => window.addHost());
  const late = agent.mirror.locator("#late-inner");
  await waitUntil("a shadow root added after the join", async () => (await late.textContent({ timeout: 1_000 }).catch(() => null)) === "A shadow root added after the join");
  assert.equal(await color(late), await color(customer.locator("#late-inner")));

  assert.notEqual(await agent.mirror.locator("#masked-inner").textContent(), "Shadow text of a masked box");
  const texts = frameTexts(sent);
  for (const secret of ["Shadow secret value", "Shadow text of a masked box"]) assert.ok(!texts.some((text) => text.includes(secret)), `a frame carries "${secret}"`);
});

test("constructed stylesheets on the document and on a shadow root colour the mirror as the page, and a replaced sheet follows", async () => {
  const { customer, agent } = await watched("sheets.html");
  for (const id of ["doc-styled", "shadow-styled"]) {
    const want = await color(customer.locator(`#${id}`));
    await waitUntil(`#${id}'s colour in the mirror`, async () => (await color(agent.mirror.locator(`#${id}`)).catch(() => null)) === want);
  }
  await customer.evaluate(() => window.restyle());
  for (const [id, want] of [["doc-styled", "rgb(128, 0, 128)"], ["shadow-styled", "rgb(255, 140, 0)"]]) {
    assert.equal(await color(customer.locator(`#${id}`)), want);
    await waitUntil(`#${id}'s new colour in the mirror`, async () => (await color(agent.mirror.locator(`#${id}`)).catch(() => null)) === want);
  }
});

test("a modal dialog open on the page is open and on top in the mirror where the customer sees it, and a dialog, <details> and a popover opened after the join open too", async () => {
  const { customer, agent } = await watched("dialogs.html");
  const modal = agent.mirror.locator("#modal");
  const state = (locator) => locator.evaluate((dialog) => {
    const box = dialog.getBoundingClientRect();
    return { open: dialog.open, modal: dialog.matches(":modal"), top: box.top, left: box.left };
  }, null, { timeout: 1_000 });
  const seen = await state(customer.locator("#modal"));
  const mirrored = await waitUntil("the open modal in the mirror", async () => {
    const got = await state(modal).catch(() => null);
    return got?.modal ? got : null;
  });
  assert.ok(Math.abs(mirrored.top - seen.top) <= POSITION_SLACK_PX && Math.abs(mirrored.left - seen.left) <= POSITION_SLACK_PX, `the modal is at ${mirrored.left},${mirrored.top} in the mirror, ${seen.left},${seen.top} on the page`);
  assert.equal(await agent.mirror.locator("#plain").evaluate((dialog) => dialog.open), false);
  await waitUntil("the popover open before the join open in the mirror", () => agent.mirror.locator("#early-tip").evaluate((tip) => tip.matches(":popover-open"), null, { timeout: 1_000 }).catch(() => false));

  await customer.evaluate(() => {
    document.getElementById("modal").close();
    document.getElementById("plain").show();
    document.getElementById("more").open = true;
    document.getElementById("tip").showPopover();
  });
  await waitUntil("the modal closed in the mirror", async () => (await state(modal)).open === false);
  await waitUntil("the non-modal dialog open in the mirror", async () => (await state(agent.mirror.locator("#plain"))).open);
  assert.equal((await state(agent.mirror.locator("#plain"))).modal, false);
  await waitUntil("the details open in the mirror", () => agent.mirror.locator("#more-text").isVisible());
  await waitUntil("the popover open in the mirror", () => agent.mirror.locator("#tip").evaluate((tip) => tip.matches(":popover-open"), null, { timeout: 1_000 }).catch(() => false));
  assert.ok(await agent.mirror.locator("#tip").isVisible());
  await customer.evaluate(() => document.getElementById("tip").hidePopover());
  await waitUntil("the popover closed in the mirror", () => agent.mirror.locator("#tip").evaluate((tip) => !tip.matches(":popover-open"), null, { timeout: 1_000 }));
});

test("a canvas shows in the mirror as an image of its pixels, a redraw arrives within a second and a half, an animation sends at most two images a second, and a masked canvas sends none", async () => {
  const { customer, agent, sent } = await watched("canvas.html");
  const points = [[25, 25], [175, 25], [25, 75], [175, 75]];
  const pageAt = () => customer.locator("#drawing").evaluate((canvas, at) => at.map(([x, y]) => [...canvas.getContext("2d").getImageData(x, y, 1, 1).data.slice(0, 3)]), points);
  const mirrorAt = () => agent.mirror.locator("#drawing").evaluate((image, at) => {
    if (image.tagName !== "IMG" || !image.complete || image.naturalWidth === 0) return null;
    const canvas = image.ownerDocument.createElement("canvas");
    [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const box = image.getBoundingClientRect();
    return at.map(([x, y]) => [...context.getImageData(Math.floor((x * canvas.width) / box.width), Math.floor((y * canvas.height) / box.height), 1, 1).data.slice(0, 3)]);
  }, points, { timeout: 1_000 }).catch(() => null);
  const near = (got, want) => got !== null && got.every((pixel, i) => pixel.every((value, c) => Math.abs(value - want[i][c]) <= PIXEL_SLACK));

  const drawn = await pageAt();
  await waitUntil("the canvas's pixels in the mirror", async () => near(await mirrorAt(), drawn));
  const size = (locator) => locator.evaluate((element) => [element.getBoundingClientRect().width, element.getBoundingClientRect().height]);
  assert.deepEqual(await size(agent.mirror.locator("#drawing")), await size(customer.locator("#drawing")));

  await customer.evaluate(() => window.redraw([30, 60, 90]));
  const redrawn = await pageAt();
  await waitUntil("the redraw in the mirror", async () => near(await mirrorAt(), redrawn), CANVAS_REDRAW_MS);

  // Redrawn every frame for two seconds: at most two images a second reach the agent.
  const drawingId = nodeIdOf(sent, "drawing");
  const before = attributeChanges(sent, drawingId, "src").length;
  await customer.evaluate(() => window.animate(2_000));
  const during = attributeChanges(sent, drawingId, "src").length - before;
  assert.ok(during >= 2 && during <= 5, `${during} images of the canvas sent in two seconds of animation`);

  await customer.evaluate(() => window.addCanvas());
  const lateCentre = () => agent.mirror.locator("#late-canvas").evaluate((image) => {
    if (image.tagName !== "IMG" || !image.complete || image.naturalWidth === 0) return null;
    const canvas = image.ownerDocument.createElement("canvas");
    [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return [[...context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data.slice(0, 3)]];
  }, null, { timeout: 1_000 }).catch(() => null);
  await waitUntil("a canvas added after the join", async () => near(await lateCentre(), [[120, 0, 160]]), CANVAS_REDRAW_MS);

  const masked = agent.mirror.locator("#masked-canvas");
  assert.equal(await masked.evaluate((image) => image.getAttribute("src")), null);
  const maskedId = nodeIdOf(sent, "masked-canvas");
  assert.ok(maskedId !== null, "the masked canvas's element reached the mirror");
  assert.deepEqual(attributeChanges(sent, maskedId, "src"), [], "the masked canvas's pixels were sent");
});

test("a WebGL canvas drawn every frame without preserveDrawingBuffer shows its pixels in the mirror", async (t) => {
  const { customer, agent } = await watched("webgl.html");
  if (!(await customer.evaluate(() => window.glReady))) return t.skip("no WebGL in this Chromium");
  const centre = () => agent.mirror.locator("#gl").evaluate((image) => {
    if (image.tagName !== "IMG" || !image.complete || image.naturalWidth === 0) return null;
    const canvas = image.ownerDocument.createElement("canvas");
    [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return [...context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data.slice(0, 3)];
  }, null, { timeout: 1_000 }).catch(() => null);
  const near = (got, want) => got !== null && got.every((value, c) => Math.abs(value - want[c]) <= PIXEL_SLACK);
  await waitUntil("the WebGL canvas in the mirror", async () => near(await centre(), [0, 200, 100]));
  await customer.evaluate(() => (window.glColor = [220, 40, 40]));
  await waitUntil("the WebGL redraw in the mirror", async () => near(await centre(), [220, 40, 40]), CANVAS_REDRAW_MS * 2);
});

test("a video's poster and paused state, and an audio's play state and position, show in the mirror", async () => {
  const { customer, agent } = await watched("media.html");
  const clip = agent.mirror.locator("#clip");
  await clip.waitFor({ state: "attached" });
  const poster = await clip.evaluate((video) => video.getAttribute("poster"));
  // The poster's URL may come through Duet (the mirror does not fetch from the customer's site).
  assert.ok(poster !== null && decodeURIComponent(poster).endsWith("/poster.png"), `the mirror's poster: ${poster}`);
  const state = (locator) => locator.evaluate((media) => media.getAttribute("data-duet-media"), null, { timeout: 1_000 });
  assert.equal(await clip.evaluate((video) => video.paused), true);
  assert.equal(await state(clip), "paused");

  // Headless Chromium plays the customer's audio; the mirror's copy may not (no gesture of the
  // agent's, no fetch from the customer's site), so the state is shown on the element.
  const sound = agent.mirror.locator("#sound");
  assert.equal(await state(sound), "paused");
  const played = await customer.evaluate(() => document.getElementById("sound").play().then(() => true, () => false));
  assert.ok(played, "the customer's audio plays in headless Chromium");
  await waitUntil("the audio playing in the mirror", async () => (await state(sound)) === "playing");
  assert.notEqual(await computed("outlineStyle")(sound), "none", "a playing element is outlined");
  await customer.waitForFunction(() => document.getElementById("sound").currentTime > 0.5);
  const at = await customer.evaluate(() => {
    const audio = document.getElementById("sound");
    audio.pause();
    return audio.currentTime;
  });
  await waitUntil("the audio paused in the mirror", async () => (await state(sound)) === "paused");
  const shownAt = Number(await sound.evaluate((audio) => audio.getAttribute("data-duet-media-time")));
  assert.ok(Math.abs(shownAt - at) <= 0.1, `paused at ${at} s on the page, ${shownAt} s in the mirror`);
});

test("the field the customer focused (in the page or a shadow root) and the item their pointer hovers are marked in the mirror, and the page's :hover style shows", async () => {
  const { customer, agent } = await watched("attention.html");
  const marked = (attribute) => agent.mirror.locator(`[${attribute}]`).evaluateAll((elements) => elements.map((element) => element.id), null);
  await agent.mirror.locator("#email").waitFor({ state: "attached" });

  await customer.locator("#email").focus();
  await waitUntil("the focus mark on #email", async () => (await marked("data-duet-focus")).join() === "email");
  assert.notEqual(await computed("outlineStyle")(agent.mirror.locator("#email")), "none");
  await customer.locator("#name").focus();
  await waitUntil("the focus mark moved to #name", async () => (await marked("data-duet-focus")).join() === "name");
  await customer.locator("#shadow-field").focus();
  await waitUntil("the focus mark inside a shadow root", async () => (await marked("data-duet-focus")).join() === "shadow-field");
  assert.notEqual(await computed("outlineStyle")(agent.mirror.locator("#shadow-field")), "none");

  const background = computed("backgroundColor");
  await customer.locator("#item-2").hover();
  const hovered = await background(customer.locator("#item-2"));
  assert.equal(hovered, "rgb(255, 200, 0)");
  await waitUntil("the hover mark on #item-2", async () => (await marked("data-duet-hover")).join() === "item-2");
  await waitUntil("the :hover style in the mirror", async () => (await background(agent.mirror.locator("#item-2"))) === hovered);
  assert.equal(await background(agent.mirror.locator("#item-1")), await background(customer.locator("#item-1")));
  // The page changes the hovered item's class: it still shows hovered.
  await customer.locator("#item-2").evaluate((item) => (item.className = "item chosen"));
  await waitUntil("the new class in the mirror", () => agent.mirror.locator("#item-2.chosen").count());
  assert.equal(await background(agent.mirror.locator("#item-2")), hovered);
  await customer.locator("#item-1").hover();
  await waitUntil("the hover mark moved to #item-1", async () => (await marked("data-duet-hover")).join() === "item-1");
  assert.equal(await background(agent.mirror.locator("#item-2")), "rgb(240, 240, 240)");
});

/** A page of the site with a started session, an agent who joined it, and the frames the page sent. */
async function watched(path) {
  const conversation = newConversation();
  const customer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  customer.sent = [];
  customer.on("websocket", (ws) => ws.on("framesent", (frame) => customer.sent.push(frame.payload)));
  const query = new URLSearchParams({ duet: duet.base, conversation });
  await customer.goto(`${site.origin}/${path}?${query}`);
  await waitUntil("the customer script", () => customer.evaluate(() => window.Duet !== undefined));
  const { sessionId } = await customer.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, sessionId);
  await waitUntil("the page in the mirror", () => agent.mirror.locator("#ready").count());
  // The case comes after the rows: it reached the agent in the snapshot's slices.
  const full = decodeFrames(customer.sent).findLast((message) => message.type === "dom" && message.full);
  assert.ok(full !== undefined && !JSON.stringify(full.events).includes(`Row ${FILLER_ROWS - 1} `), "the snapshot was not sliced");
  return { customer, agent, sent: customer.sent };
}

/** rrweb's id of the element whose `id` attribute is `elementId`, from what the page sent. */
function nodeIdOf(sent, elementId) {
  let found = null;
  const visit = (node) => {
    if (node === null || typeof node !== "object") return;
    if (node.attributes?.id === elementId) found = node.id;
    for (const child of node.childNodes ?? []) visit(child);
  };
  for (const event of domEvents(sent)) {
    if (event.type === 2) visit(event.data.node);
    for (const add of event.data?.adds ?? []) visit(add.node);
  }
  return found;
}

/** Every value the page sent for `name` of node `id` in attribute changes. */
function attributeChanges(sent, id, name) {
  return domEvents(sent).flatMap((event) => (event.data?.attributes ?? []).filter((change) => change.id === id && name in change.attributes).map((change) => change.attributes[name]));
}

function domEvents(sent) {
  return decodeFrames(sent).filter((message) => message.type === "dom").flatMap((message) => message.events);
}
