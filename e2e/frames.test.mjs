// Iframes in the agent's mirror (#17): a same-origin iframe, a cross-origin iframe whose page runs
// Duet's script (it joins its parent's session), a cross-origin iframe without it (a labelled
// placeholder), each compared between the customer's page and the agent's mirror; and what an
// attacker framing the child page gets: nothing.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { joinByCode, joinWithConsent, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { frameTexts } from "./support/domframes.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";

/** What every masked value becomes (webresource/src/sdk/masking.ts). */
const MASK = "••••••";
/** The colour the framed pages' stylesheets give their text. */
const FRAME_COLOUR = "rgb(12, 34, 156)";
/** What the customer types into the framed pages' masked fields. */
const TYPED = "Typed-secret-4711";
/** How long a page that must get nothing listens. */
const QUIET_MS = 3_000;

const site = await startFixtureServer({
  "/same.html": (url) => parentPage(url, "same", "/inner.html"),
  "/inner.html": () => framedPage("Inside the same-origin frame", ""),
  "/cross.html": (url) => parentPage(url, "cross", `${child.origin}/child.html?${url.searchParams}`),
  "/closed.html": (url) => parentPage(url, "closed", `${child.origin}/plain.html`),
  "/idle.html": (url) => listeningPage(url, `${child.origin}/child.html?${url.searchParams}`, sdkTag(url.searchParams.get("duet"), "idle")),
  "/rogue.html": (url) => parentPage(url, "rogue", `${attacker.origin}/rogue-child.html`),
});
const child = await startFixtureServer({
  "/child.html": (url) => framedPage("Inside the cross-origin frame", `<script src="${url.searchParams.get("duet")}/sdk.js"></script>`),
  "/plain.html": () => framedPage("The plain frame's own words", ""),
});
const attacker = await startFixtureServer({
  "/attack.html": (url) => listeningPage(url, `${child.origin}/child.html?${url.searchParams}`, ""),
  "/rogue-child.html": () => rogueChildPage(),
});
after(() => Promise.all([site.stop(), child.stop(), attacker.stop()]));

let duet;
let browser;
useDuet(
  { env: { DUET_ALLOWED_ORIGINS: `${site.origin},${child.origin}`, DUET_MASK_SELECTORS: "#tenant-secret" } },
  (started) => ({ duet, browser } = started),
);

for (const [kind, id] of [["same-origin", "same"], ["cross-origin", "cross"]]) {
  test(`a ${kind} iframe shows the agent its text and colours, follows its changes, and keeps its masked fields masked`, async () => {
    const { page, agent, sent } = await watched(`${id}.html`);
    const inPage = page.frameLocator(`#${id}`);
    const inMirror = agent.mirror.frameLocator(`#${id}`);
    const words = kind === "same-origin" ? "Inside the same-origin frame" : "Inside the cross-origin frame";

    await waitUntil("the frame's text in the mirror", async () => (await inMirror.locator("#framed-text").textContent({ timeout: 1_000 })) === words);
    const colour = (frame) => frame.locator("#framed-text").evaluate((element) => getComputedStyle(element).color);
    assert.equal(await colour(inPage), FRAME_COLOUR);
    assert.equal(await colour(inMirror), FRAME_COLOUR);
    assert.deepEqual(await frameSize(agent.mirror, id), await frameSize(page, id), "the frame's size");

    // After the join: a change inside the frame arrives; what is typed into masked fields never leaves.
    await inPage.locator("#framed-text").evaluate((element) => {
      element.textContent = "Changed inside the frame";
    });
    await inPage.locator("#site-secret").pressSequentially(TYPED);
    await inPage.locator("#tenant-secret").pressSequentially(TYPED);
    await inPage.locator("#plain-field").fill("shown-value");
    await waitUntil("the change in the mirror", async () => (await inMirror.locator("#framed-text").textContent({ timeout: 1_000 })) === "Changed inside the frame");
    await waitUntil("the plain field in the mirror", async () => (await inMirror.locator("#plain-field").inputValue({ timeout: 1_000 })) === "shown-value");
    for (const field of ["site-secret", "tenant-secret"]) {
      assert.equal(await inMirror.locator(`#${field}`).inputValue(), MASK, `#${field} in the mirror`);
    }
    const texts = frameTexts(sent);
    assert.ok(texts.some((text) => text.includes("Changed inside the frame")), "the frame's change went out");
    assert.ok(!texts.some((text) => text.includes(TYPED.slice(0, 8))), "a frame carries what was typed into a masked field");
  });
}

test("a cross-origin iframe the page adds after the agent joined shows in the mirror, and an agent who joins later sees every frame", async () => {
  const { page, agent, conversation, sessionId } = await watched("cross.html");
  const framedText = (mirror, id) => mirror.frameLocator(`#${id}`).locator("#framed-text").textContent({ timeout: 1_000 });
  const words = "Inside the cross-origin frame";
  await waitUntil("the first frame in the mirror", async () => (await framedText(agent.mirror, "cross")) === words);
  await page.evaluate((src) => {
    const frame = document.createElement("iframe");
    [frame.id, frame.src, frame.style.cssText] = ["added", src, "width: 300px; height: 120px"];
    document.body.append(frame);
  }, await page.locator("#cross").getAttribute("src"));
  await waitUntil("the added frame in the mirror", async () => (await framedText(agent.mirror, "added")) === words);

  // A second agent's join makes the page send a new snapshot: each child sends its page again.
  const second = await openAgent(browser, duet.base, conversation, { name: `Second ${conversation}` });
  await joinWithConsent(second, { page }, sessionId);
  for (const id of ["cross", "added"]) {
    await waitUntil(`#${id} in the second agent's mirror`, async () => (await framedText(second.mirror, id)) === words);
  }
  assert.equal(await framedText(agent.mirror, "added"), words, "the first agent's mirror after the new snapshot");
});

test("a cross-origin iframe without Duet's script shows the agent a labelled placeholder of its size, and nothing of its content", async () => {
  const { page, agent, sent } = await watched("closed.html");
  const label = `Content from ${child.origin} is not shared`;
  await waitUntil("the placeholder in the mirror", async () => (await agent.mirror.frameLocator("#closed").locator("body").textContent({ timeout: 1_000 }))?.trim() === label);
  assert.deepEqual(await frameSize(agent.mirror, "closed"), await frameSize(page, "closed"), "the placeholder's size");
  assert.equal((await page.frameLocator("#closed").locator("#framed-text").textContent()), "The plain frame's own words");
  assert.ok(!frameTexts(sent).some((text) => text.includes("plain frame's own words")), "the frame's content went out");
});

test("a page on another origin that frames the child page and invites it gets nothing from it", async () => {
  const page = await newPage();
  await page.goto(`${attacker.origin}/attack.html?${new URLSearchParams({ duet: duet.base })}`);
  await childReady(page);
  // The attacker asks as Duet's parent script would, again and again, to any origin.
  await page.evaluate(() => window.inviteChild("*"));
  await page.waitForTimeout(QUIET_MS);
  assert.deepEqual(await page.evaluate(() => window.got), [], "messages the attacker's page got");
});

test("a child page framed by a tenant's site where no session runs sends nothing, and shows no widget", async () => {
  const page = await newPage();
  page.sent = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => page.sent.push(frame.payload)));
  await page.goto(`${site.origin}/idle.html?${new URLSearchParams({ duet: duet.base })}`);
  const framed = await childReady(page);
  await page.waitForTimeout(QUIET_MS);
  assert.deepEqual(await page.evaluate(() => window.got), [], "messages the parent page got");
  assert.equal(page.sent.length, 0, "frames sent to Duet");
  assert.equal(await framed.locator("[data-duet-ui]:not(iframe)").count(), 0, "Duet's widget in the framed page");
});

test("a frame from an origin that is not the tenant's is never invited, even when it speaks Duet's protocol, and shows only its placeholder", async () => {
  const { page, agent } = await watched("rogue.html");
  const label = `Content from ${attacker.origin} is not shared`;
  await waitUntil("the placeholder in the mirror", async () => (await agent.mirror.frameLocator("#rogue").locator("body").textContent({ timeout: 1_000 }))?.trim() === label);
  await page.waitForTimeout(QUIET_MS);
  const rogue = page.frames().find((frame) => frame.url().startsWith(`${attacker.origin}/rogue-child.html`));
  assert.equal(await rogue.evaluate(() => window.invites), 0, "invites the stranger's frame got");
  assert.equal((await agent.mirror.frameLocator("#rogue").locator("body").textContent()).trim(), label);
});

/** A new page in a context of its own. */
async function newPage() {
  return (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}

/** `path` of the site with a started session, an agent who joined it, and the frames it sent. */
async function watched(path) {
  const conversation = newConversation();
  const page = await newPage();
  page.sent = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => page.sent.push(frame.payload)));
  await page.goto(`${site.origin}/${path}?${new URLSearchParams({ duet: duet.base, conversation })}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await joinByCode(agent, sessionId);
  await waitUntil("the page in the mirror", () => agent.mirror.locator("#ready").count());
  return { page, agent, sent: page.sent, conversation, sessionId };
}

/** The framed child page once Duet's script runs in it, as a Playwright frame. */
async function childReady(page) {
  return waitUntil("Duet's script in the framed page", async () => {
    const framed = page.frames().find((frame) => frame.url().startsWith(`${child.origin}/child.html`));
    return framed !== undefined && (await framed.evaluate(() => window.Duet !== undefined)) ? framed : null;
  });
}

/** The width and height of iframe `#id` as laid out in `scope` (a page or a frame locator). */
async function frameSize(scope, id) {
  const [width, height] = await scope.locator(`#${id}`).evaluate((frame) => {
    const box = frame.getBoundingClientRect();
    return [box.width, box.height];
  });
  return [Math.round(width), Math.round(height)];
}

/** A page of the site with Duet's script and one iframe `#id` showing `src`. */
function parentPage(url, id, src) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${id}</title>
<style>iframe { border: 2px solid #999; display: block; }</style></head><body>
<h1 id="ready">A page with a frame</h1>
<iframe id="${id}" src="${src}" style="width: 480px; height: 260px"></iframe>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}
</body></html>`;
}

/** A framed page: coloured text, a field masked by the site, one masked by the tenant's
 * policy (`DUET_MASK_SELECTORS`), and a plain field. */
function framedPage(words, script) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>framed</title>
<style>#framed-text { color: ${FRAME_COLOUR}; }</style></head><body>
<p id="framed-text">${words}</p>
<input id="site-secret" data-duet-mask aria-label="site secret">
<input id="tenant-secret" aria-label="tenant secret">
<input id="plain-field" aria-label="plain">
${script}
</body></html>`;
}

/** A page that frames the child page and notes every message it gets in `window.got`; a port it
 * is handed is asked for a snapshot, and what comes over it noted too. `inviteChild(origin)`
 * sends the child the invite Duet's parent script sends, every 200 ms. */
function listeningPage(url, src, script) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>framing</title></head><body>
<iframe id="child" src="${src}" style="width: 480px; height: 260px"></iframe>
<script>
  window.got = [];
  addEventListener("message", (event) => {
    window.got.push({ origin: event.origin, data: JSON.stringify(event.data ?? null).slice(0, 300), ports: event.ports.length });
    for (const port of event.ports) {
      port.onmessage = (message) => window.got.push({ port: JSON.stringify(message.data ?? null).slice(0, 300) });
      port.postMessage({ type: "snapshot" });
    }
  });
  window.inviteChild = (origin) => {
    const child = document.getElementById("child").contentWindow;
    setInterval(() => child.postMessage({ duet: "duet-frame-invite" }, origin), 200);
  };
</script>
${script}
</body></html>`;
}

/** A page of a stranger's origin that answers Duet's invite as a child would, without asking
 * Duet, and sends a page of its own; `window.invites` counts the invites it got. */
function rogueChildPage() {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>rogue</title></head><body>
<p>A stranger's frame</p>
<script>
  window.invites = 0;
  const injected = { type: 2, timestamp: 1, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
    { type: 2, id: 2, tagName: "html", attributes: {}, childNodes: [{ type: 2, id: 3, tagName: "body", attributes: {}, childNodes: [
      { type: 3, id: 4, textContent: "Injected by a stranger" }] }] }] } } };
  addEventListener("message", (event) => {
    if (event.data?.duet !== "duet-frame-invite") return;
    window.invites += 1;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => channel.port1.postMessage({ events: [injected] });
    parent.postMessage({ duet: "duet-frame-join" }, event.origin, [channel.port2]);
  });
</script>
</body></html>`;
}
