// The agent sees the real web (#17): the customer's page's assets reach the mirror through Duet
// (read by the customer's browser with its own cookies, uploaded once per content), and the
// agent's browser fetches nothing from anywhere else, whatever the page names.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { PIXEL_FONT, PIXEL_FONT_WOFF, solidPng, startThirdOrigin } from "./support/assetsite.mjs";
import { joinByCode, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";
import { forgedCustomer } from "./support/forged.mjs";

/** The site's sign-in cookie; its assets answer 403 without it. */
const COOKIE = "site_session=signed-in";
const BRAND_COLOUR = "rgb(12, 34, 56)";

const third = await startThirdOrigin();
after(() => third.stop());
const signedIn = (request) => (request.headers.cookie ?? "").includes(COOKIE);
const privately = (type, body) => (_url, request) => (signedIn(request) ? { type, body } : { status: 403, type: "text/plain", body: "sign in first" });
const site = await startFixtureServer({
  "/private.html": (url) => ({ type: "text/html; charset=utf-8", body: privatePage(url), headers: { "Set-Cookie": `${COOKIE}; Path=/; SameSite=Lax` } }),
  "/styles/private.css": privately("text/css", privateCss()),
  "/styles/fonts/pixel.woff2": privately("font/woff2", PIXEL_FONT),
  "/styles/img/hero.png": privately("image/png", solidPng([200, 0, 0])),
  "/img/photo.png": privately("image/png", solidPng([0, 0, 200])),
  "/img/sprites.svg": privately("image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg"><symbol id="dot" viewBox="0 0 10 10"><rect width="10" height="6" fill="rgb(0,150,0)"/></symbol><symbol id="bar" viewBox="0 0 10 10"><rect width="10" height="2"/></symbol></svg>`),
  // The same page with assets of other bytes, which no other test has sent to Duet.
  "/again/private.html": (url) => ({ type: "text/html; charset=utf-8", body: privatePage(url, "/again"), headers: { "Set-Cookie": `${COOKIE}; Path=/; SameSite=Lax` } }),
  "/again/styles/private.css": privately("text/css", privateCss("woff")),
  "/again/styles/fonts/pixel.woff": privately("font/woff", PIXEL_FONT_WOFF),
  "/again/styles/img/hero.png": privately("image/png", solidPng([201, 0, 0])),
  "/again/img/photo.png": privately("image/png", solidPng([0, 0, 201])),
  "/egress.html": (url) => egressPage(url),
});
after(() => site.stop());

let duet;
let browser;
useDuet({ env: { DUET_ALLOWED_ORIGINS: site.origin } }, (started) => ({ duet, browser } = started));

test("assets the site serves only with its sign-in cookie look the same in the mirror: colour, font and images", async () => {
  const { customer, agent } = await watched("private.html");
  const brand = (page) =>
    page.locator("#brand").evaluate((element) => ({
      colour: getComputedStyle(element).color,
      width: Math.round(element.getBoundingClientRect().width),
      font: element.ownerDocument.fonts.check('16px "Private Pixel"'),
    }), null, { timeout: 1_000 });
  const seen = await brand(customer);
  assert.equal(seen.colour, BRAND_COLOUR, "the customer's page has its stylesheet");
  assert.ok(seen.font, "the customer's page has its font");
  const mirrored = await waitUntil("the brand in the mirror, in the site's font", async () => {
    const got = await brand(agent.mirror).catch(() => null);
    return got?.font && got.width === seen.width ? got : null;
  });
  assert.deepEqual(mirrored, seen);

  const pixel = (locator) => locator.evaluate((image) => {
    if (!image.complete || image.naturalWidth === 0) return null;
    const canvas = image.ownerDocument.createElement("canvas");
    [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
    canvas.getContext("2d").drawImage(image, 0, 0);
    return [...canvas.getContext("2d").getImageData(1, 1, 1, 1).data.slice(0, 3)];
  }, null, { timeout: 1_000 });
  const photo = await waitUntil("the photo decoded in the mirror", () => pixel(agent.mirror.locator("#photo")).catch(() => null));
  assert.deepEqual(photo, [0, 0, 200]);
  // The stylesheet's background, through Duet: the mirror's own request for it answers the image.
  const hero = await agent.mirror.locator("#hero").evaluate(async (element) => {
    const address = /url\("?([^")]+)"?\)/.exec(getComputedStyle(element).backgroundImage)?.[1] ?? "";
    const response = await fetch(address);
    return { address, status: response.status, type: response.headers.get("content-type"), size: (await response.arrayBuffer()).byteLength };
  });
  assert.ok(hero.address.startsWith(`${duet.base}/page-assets/`), `the background loads from ${hero.address}`);
  assert.deepEqual([hero.status, hero.type], [200, "image/png"]);
  assert.equal(hero.size, solidPng([200, 0, 0]).length);
  // An icon from the site's SVG sprite (an external <use>), drawn as on the customer's page.
  const icon = (page) => page.locator("#icon use").evaluate((use) => {
    const box = use.getBBox();
    return [box.width, box.height];
  }, null, { timeout: 1_000 });
  const drawn = await icon(customer);
  assert.deepEqual(drawn, [20, 12], "the customer's page draws the sprite's symbol");
  assert.deepEqual(await waitUntil("the sprite's symbol in the mirror", async () => {
    const got = await icon(agent.mirror).catch(() => null);
    return got?.[0] > 0 ? got : null;
  }), drawn);
});

test("a second session on the same site uploads no asset again: Duet has them by their hash", async () => {
  const first = await watched("again/private.html");
  // The font, the stylesheet's background and the photo (the stylesheet itself is in the snapshot).
  await waitUntil("the first session's uploads", () => first.customer.uploads.length >= 3 || null);
  const firstBytes = first.customer.uploads.reduce((sum, size) => sum + size, 0);
  assert.ok(firstBytes > PIXEL_FONT_WOFF.length, `the first session uploaded ${firstBytes} bytes`);

  const second = await watched("again/private.html");
  await waitUntil("the brand in the second mirror", async () => (await second.agent.mirror.locator("#brand").evaluate((element) => element.ownerDocument.fonts.check('16px "Private Pixel"'), null, { timeout: 1_000 }).catch(() => false)) || null);
  assert.equal(second.customer.offers > 0, true, "the second session offered its assets");
  const secondBytes = second.customer.uploads.reduce((sum, size) => sum + size, 0);
  assert.ok(secondBytes <= firstBytes * 0.05, `the second session uploaded ${secondBytes} of the first's ${firstBytes} bytes`);
});

test("the agent's browser asks a third origin for nothing the page names: images, backgrounds, fonts, media, preloads, or attribute selectors on typed values", async () => {
  const conversation = newConversation();
  const customer = await openSite(conversation, "egress.html");
  await customer.locator("#typed").fill("secret");
  await customer.evaluate(() => document.querySelector("#typed").setAttribute("value", document.querySelector("#typed").value));
  const agent = await joinAs(customer, conversation);
  const agentAsked = [];
  agent.page.context().on("request", (request) => {
    if (request.url().startsWith(third.origin)) agentAsked.push(request.url());
  });
  // Changes after the join too: a new image, a style that names a background, a new stylesheet.
  await customer.evaluate(() => window.addLate());
  await waitUntil("the late image in the mirror", () => agent.mirror.locator("#late").count().then((count) => count === 1 || null));
  // Time for anything that would load to have asked: the mirror's own assets from Duet answer first.
  await waitUntil("the mirror's assets settled", async () => {
    const pending = await agent.mirror.locator("img").evaluateAll((images) => images.filter((image) => !image.complete).length);
    return pending === 0 || null;
  });
  await new Promise((done) => setTimeout(done, 1_500));

  const customerAsked = third.requests.filter((request) => request.party !== "agent" && !request.party.startsWith("Duet")).map((request) => request.path);
  for (const path of ["/img.png", "/bg.png", "/font.woff2", "/poster.png", "/preload.png", "/late.png"]) {
    assert.ok(customerAsked.includes(path), `the customer's page itself loads ${path} (${customerAsked.join(" ")})`);
  }
  assert.deepEqual(third.requests.filter((request) => request.party === "agent").map((request) => request.path), [], "the agent's browser asked the third origin");
  assert.deepEqual(agentAsked, [], "requests from the agent's browser");
  assert.deepEqual(third.requests.filter((request) => request.party.startsWith("Duet")).map((request) => request.path), [], "Duet fetched from a site that is not the tenant's");
});

test("forged events naming a third origin in every form make the agent's browser ask it for nothing", async () => {
  const forged = await forgedCustomer(browser, duet.base, newConversation());
  const agent = await openAgent(browser, duet.base, forged.conversation);
  await agent.page.context().setExtraHTTPHeaders({ "x-test-party": "agent" });
  const agentAsked = [];
  agent.page.context().on("request", (request) => {
    if (request.url().startsWith(third.origin)) agentAsked.push(request.url());
  });
  await joinByCode(agent, forged.code);
  await waitUntil("the snapshot request", () => forged.snapshotAsked());
  const t = third.origin;
  const meta = { type: 4, data: { href: `${t}/page.html`, width: 1024, height: 768 } };
  await forged.send({ type: "dom", full: true, events: [meta, forgedPage(t)] });
  await forged.send({ type: "dom", full: false, events: forgedChanges(t) });
  await waitUntil("the forged page in the mirror", () => agent.mirror.locator("#forged-late").count().then((count) => count === 1 || null));
  await new Promise((done) => setTimeout(done, 1_500));
  assert.deepEqual(agentAsked, [], "requests from the agent's browser");
  assert.deepEqual(third.requests.filter((request) => request.party === "agent").map((request) => request.path), []);
});

/** A forged full snapshot: every element and attribute that loads something, naming `t`. */
function forgedPage(t) {
  const element = (id, tagName, attributes = {}, childNodes = []) => ({ type: 2, id, tagName, attributes, childNodes });
  const text = (id, textContent, extra = {}) => ({ type: 3, id, textContent, ...extra });
  return {
    type: 2,
    data: {
      node: { type: 0, id: 1, childNodes: [
        element(2, "html", {}, [
          element(3, "head", {}, [
            element(4, "meta", { "http-equiv": "refresh", content: `0;url=${t}/refresh` }),
            element(5, "base", { href: `${t}/base/` }),
            element(6, "link", { rel: "stylesheet", href: `${t}/forged.css` }),
            element(7, "link", { rel: "prefetch", href: `${t}/prefetch.png` }),
            element(8, "link", { rel: "preload", as: "font", href: `${t}/preload.woff2` }),
            element(9, "style", {}, [text(10, `@import url(${t}/import.css); @font-face { font-family: F; src: url(${t}/font.woff2) } body { background: url('${t}/body.png'); font-family: F }`, { isStyle: true })]),
            element(11, "link", { rel: "stylesheet", _cssText: `.x { background-image: image-set("${t}/set.png" 1x); cursor: url(${t}/cursor.png), auto }` }),
          ]),
          element(12, "body", {}, [
            element(13, "img", { src: `${t}/img.png`, srcset: `${t}/a.png 1x, ${t}/b.png 2x` }),
            element(14, "img", { src: "relative.png" }),
            element(15, "video", { src: `${t}/v.mp4`, poster: `${t}/poster.png` }),
            element(16, "iframe", { src: `${t}/frame.html` }),
            element(17, "object", { data: `${t}/object.svg` }),
            element(18, "div", { style: `background: url(${t}/inline.png)`, class: "x" }, [text(19, "forged")]),
            element(20, "a", { href: `${t}/link`, ping: `${t}/ping` }, [text(21, "link")]),
            element(22, "input", { type: "image", src: `${t}/input.png` }),
            element(23, "table", { background: `${t}/table.png` }),
          ]),
        ]),
      ] },
      initialOffset: { left: 0, top: 0 },
    },
  };
}

/** Forged changes: attributes, a style object, inserted rules, a constructed sheet, declarations. */
function forgedChanges(t) {
  return [
    { type: 3, data: { source: 0, texts: [{ id: 10, value: `body { background: url(${t}/text.png) }` }], attributes: [
      { id: 13, attributes: { src: `${t}/changed.png` } },
      { id: 18, attributes: { style: { "background-image": `url(${t}/style-object.png)`, "border-image": [`url(${t}/priority.png) 30`, "important"] } } },
    ], removes: [], adds: [{ parentId: 12, nextId: null, node: { type: 2, id: 30, tagName: "img", attributes: { id: "forged-late", src: `${t}/late.png` }, childNodes: [] } }] } },
    { type: 3, data: { source: 8, id: 9, adds: [{ rule: `.y { background: url(${t}/rule.png) }`, index: 0 }] } },
    { type: 3, data: { source: 13, id: 9, index: [0], set: { property: "background", value: `url(${t}/declared.png)` } } },
    { type: 3, data: { source: 15, id: 1, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: `body { background: url(${t}/adopted.png) }` }] }] } },
  ];
}

/** A page of the site with a started session, an agent who joined it, and what the page uploaded. */
async function watched(path) {
  const conversation = newConversation();
  const customer = await openSite(conversation, path);
  const agent = await joinAs(customer, conversation);
  return { customer, agent };
}

/** `path` of the site with Duet's script; `page.uploads` gathers the size of each asset it
 * uploads to Duet, `page.offers` counts its offers. */
async function openSite(conversation, path) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.uploads = [];
  page.offers = 0;
  page.on("request", (request) => {
    if (!request.url().startsWith(`${duet.base}/api/sessions/`)) return;
    if (request.method() === "PUT") page.uploads.push(request.postDataBuffer()?.length ?? 0);
    if (request.method() === "POST" && request.url().endsWith("/assets")) page.offers += 1;
  });
  const query = new URLSearchParams({ duet: duet.base, conversation });
  await page.goto(`${site.origin}/${path}?${query}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  return page;
}

/** Starts the session on `page` and has an agent (whose requests say `x-test-party: agent`) join. */
async function joinAs(page, conversation) {
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  await agent.page.context().setExtraHTTPHeaders({ "x-test-party": "agent" });
  await joinByCode(agent, sessionId);
  await waitUntil("the page in the mirror", () => agent.mirror.locator("#ready").count());
  return agent;
}

function privateCss(format = "woff2") {
  return `@font-face { font-family: "Private Pixel"; src: url(fonts/pixel.${format}) format("${format}"); }
#brand { color: ${BRAND_COLOUR}; font: 16px "Private Pixel", monospace; }
#hero { width: 64px; height: 64px; background-image: url("img/hero.png"); }`;
}

function privatePage(url, folder = "") {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>private</title>
<link rel="stylesheet" href="${folder}/styles/private.css">
</head><body>
<h1><span id="brand">Members only</span></h1>
<div id="hero"></div>
<img id="photo" src="${folder}/img/photo.png" width="32" height="32" alt="">
<svg id="icon" width="20" height="20"><use href="/img/sprites.svg#dot" width="20" height="20"/></svg>
<p id="ready">ready</p>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}
</body></html>`;
}

/** Every way a page names an address from another origin, before and after the agent joins. */
function egressPage(url) {
  const t = third.origin;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>egress</title>
<meta http-equiv="refresh" content="30;url=${t}/refresh">
<link rel="preload" as="image" href="${t}/preload.png">
<link rel="prefetch" href="${t}/prefetch.png">
<link rel="preconnect" href="${t}">
<link rel="icon" href="${t}/icon.png">
<link rel="stylesheet" href="${t}/third.css">
<style>
@font-face { font-family: "Third"; src: url(${t}/font.woff2) format("woff2"); }
.bg { background-image: url(${t}/bg.png); font-family: "Third"; }
#typed[value^="s"] { background-image: url(${t}/typed-s.png); }
#typed[value^="x"] { background-image: url(${t}/typed-x.png); }
#hover:hover { background-image: url(${t}/hover.png); }
</style>
</head><body>
<img src="${t}/img.png" srcset="${t}/img-2x.png 2x" alt="">
<picture><source srcset="${t}/source.png"><img src="${t}/picture.png" alt=""></picture>
<div class="bg" style="border-image: url(${t}/inline.png) 30">third background</div>
<video src="${t}/video.mp4" poster="${t}/poster.png"></video>
<audio src="${t}/audio.mp3"></audio>
<svg width="20" height="20"><image href="${t}/svg.png" width="10" height="10"/><use href="${t}/sprite.svg#a"/></svg>
<input type="image" src="${t}/input.png" alt="go">
<object data="${t}/object.svg" type="image/svg+xml"></object>
<a href="${t}/link" ping="${t}/ping" id="hover">a link</a>
<input id="typed" name="search">
<p id="ready">ready</p>
<script>
window.addLate = () => {
  const image = document.createElement("img");
  image.id = "late";
  image.src = "${t}/late.png";
  document.body.append(image);
  document.querySelector(".bg").style.backgroundImage = "url(${t}/late-style.png)";
  const sheet = document.createElement("style");
  sheet.textContent = ".late-bg { background: url(${t}/late-sheet.png) }";
  document.head.append(sheet);
  document.styleSheets[document.styleSheets.length - 1].insertRule(".inserted { background: url(${t}/inserted.png) }");
  document.querySelector("#typed").setAttribute("value", "x-after");
};
</script>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}
</body></html>`;
}
