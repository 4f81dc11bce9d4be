// The constrained-link run (#17, Performance): the agent's side behind a 5 Mbit/s, 80 ms round-
// trip link (link.mjs), the customer's side on loopback. For the styled table page of 10k and 80k
// elements (linkpages.mjs): the time from the agent's join until the agent's mirror shows the
// page's last line styled, with Duet (the mirror's page frames, WebSocket and /page-assets all
// cross the link) and with plain rrweb (plainrrweb.mjs: one JSON message through the same link,
// the site's font fetched through it too); the asset bytes the customer's page uploads
// (`PUT /api/sessions/{id}/assets/{sha}` bodies) in a first and a second session on the same
// site; and the customer's longest main-thread task while its assets are sent.

import { openAgent } from "../../e2e/support/duet.mjs";
import { LINK, openLink } from "./link.mjs";
import { SITE_FONT, siteAssets, styledPage } from "./linkpages.mjs";
import { startPlainReceiver } from "./plainrrweb.mjs";
import { newConversation, sleep, startFixtureServer, startServer, waitUntil } from "./support.mjs";
import { rrwebBundle } from "./tab.mjs";

/** Longest wait for a mirror to show the styled last line (7.7 MiB of rrweb JSON at 5 Mbit/s
 * take about 13 s). */
const STYLED_TIMEOUT_MS = 120_000;
/** How often the agent's page checks its mirror. */
const WATCH_EVERY_MS = 10;
/** Quiet time after the mirror is styled, for the last asset requests and long tasks. */
const SETTLE_MS = 1_500;
/** Longest wait for the agent's console (loaded through the link). */
const CONSOLE_TIMEOUT_MS = 60_000;

/** Runs in the agent's page: checks the mirror iframe (`frameSelector`) every `everyMs` and
 * notes (Date.now()) when `#last` first appears and when it is styled as `expected` with the
 * site's font loaded. Self-contained: Playwright sends its source. */
function watchMirror({ frameSelector, expected, fontFamily, everyMs }) {
  const watch = (window.__linkWatch = { shownAt: null, styledAt: null });
  const timer = setInterval(() => {
    const doc = document.querySelector(frameSelector)?.contentDocument;
    const last = doc?.getElementById("last");
    if (!last) return;
    watch.shownAt ??= Date.now();
    const style = doc.defaultView.getComputedStyle(last);
    if (style.color !== expected.color || style.fontFamily !== expected.fontFamily) return;
    for (const face of doc.fonts) {
      if (face.family.replace(/["']/g, "") === fontFamily && face.status === "loaded") {
        watch.styledAt = Date.now();
        clearInterval(timer);
        return;
      }
    }
  }, everyMs);
}

/** Waits for the watch in `frame` to see the styled line; { shownAt, styledAt } (null: never). */
async function watched(frame) {
  const deadline = Date.now() + STYLED_TIMEOUT_MS;
  let seen = { shownAt: null, styledAt: null };
  while (Date.now() < deadline) {
    seen = (await frame.evaluate(() => window.__linkWatch).catch(() => null)) ?? seen;
    if (seen.styledAt !== null) return seen;
    await sleep(50);
  }
  return seen;
}

/** A customer's page on loopback, loaded with its font; notes its asset requests to Duet. */
async function openCustomer(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const assetRequests = [];
  const frames = { full: 0, page: 0, sentAt: [] };
  page.on("websocket", (ws) => {
    ws.on("framesent", ({ payload }) => {
      // Duet's page changes are binary frames, bit 0 of the first byte marking a full snapshot,
      // 2 a pointer (tab.mjs); plain rrweb's page is one large text message.
      const isPage = typeof payload === "string" ? payload.length > 1_000 : payload[0] !== 2;
      if (!isPage) return;
      frames.page += 1;
      frames.sentAt.push(Date.now());
      if (typeof payload !== "string" && (payload[0] & 1) === 1) frames.full += 1;
    });
  });
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (!/^\/api\/sessions\/[^/]+\/assets(\/|$)/.test(path) || request.method() === "OPTIONS") return;
    const entry = { method: request.method(), bytes: request.postDataBuffer()?.length ?? 0, startedAt: Date.now(), endedAt: null };
    assetRequests.push(entry);
    const end = () => (entry.endedAt = Date.now());
    request.response().then(end, end);
  });
  await page.goto(url, { timeout: 120_000 });
  await page.evaluate(() => document.fonts.ready);
  const expected = await page.evaluate(() => {
    const style = getComputedStyle(document.getElementById("last"));
    return { color: style.color, fontFamily: style.fontFamily };
  });
  const elements = await page.evaluate(() => document.getElementsByTagName("*").length);
  return { context, page, assetRequests, frames, expected, elements };
}

/** The customer page's long tasks that started in [from, to] (epoch ms): count and longest. */
async function longTasks(page, from, to) {
  const tasks = await page.evaluate(([a, b]) => window.__longtasks.filter((t) => t.at >= a && t.at <= b), [from, to]);
  return { count: tasks.length, longestMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))) };
}

/** What the customer sent Duet about its assets, and its longest task meanwhile. */
async function assetsSent(page, requests) {
  const puts = requests.filter((r) => r.method === "PUT");
  const offers = requests.filter((r) => r.method === "POST");
  const sent = {
    uploads: puts.length,
    uploadBytes: puts.reduce((sum, r) => sum + r.bytes, 0),
    offers: offers.length,
    offerBytes: offers.reduce((sum, r) => sum + r.bytes, 0),
  };
  if (requests.length === 0) return { ...sent, windowMs: null, longTasks: null };
  const from = Math.min(...requests.map((r) => r.startedAt));
  const to = Math.max(...requests.map((r) => r.endedAt ?? Date.now()));
  return { ...sent, windowMs: to - from, longTasks: await longTasks(page, from, to) };
}

/** One Duet session: the customer starts co-browse, the agent (through the link) joins. */
async function duetSession(browser, duet, link, fixtures, n) {
  const conversation = newConversation();
  const url = `${fixtures.origin}/styled.html?mode=duet&n=${n}&duet=${encodeURIComponent(duet.base)}&conversation=${conversation}`;
  const customer = await openCustomer(browser, url);
  let agent = null;
  try {
    await waitUntil("window.Duet", () => customer.page.evaluate(() => window.Duet !== undefined));
    const { sessionId } = await customer.page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
    agent = await openAgent(browser, duet.linked, conversation);
    await agent.consoleFrame.getByTestId("agent-code").fill(sessionId, { timeout: CONSOLE_TIMEOUT_MS });
    const frame = await waitUntil("the console frame", () => agent.page.frames().find((f) => f.url().includes("/console")));
    await frame.evaluate(watchMirror, { frameSelector: '[data-testid="agent-mirror"]', expected: customer.expected, fontFamily: SITE_FONT, everyMs: WATCH_EVERY_MS });
    const linkBefore = link.bytes();
    const joinedAt = Date.now();
    await agent.consoleFrame.getByTestId("agent-join").click();
    const seen = await watched(frame);
    const linkAfter = link.bytes();
    await sleep(SETTLE_MS);
    return {
      n,
      elements: customer.elements,
      ...times(joinedAt, seen, customer.frames),
      ...(seen.styledAt === null ? { mirrorRows: await mirrorRows(frame, '[data-testid="agent-mirror"]') } : {}),
      fullSnapshots: customer.frames.full,
      pageFrames: customer.frames.page,
      linkBytesToAgent: linkBefore === null ? null : linkAfter.serverToAgent - linkBefore.serverToAgent,
      customerLongTasks: await longTasks(customer.page, joinedAt, (seen.styledAt ?? Date.now()) + SETTLE_MS),
      assets: await assetsSent(customer.page, customer.assetRequests),
    };
  } finally {
    await agent?.page.context().close();
    await customer.context.close();
  }
}

/** One plain-rrweb session: the agent's page (through the link) connects to the receiver, which
 * asks the customer's page for its events. */
async function plainSession(browser, receiver, link, fixtures, n) {
  const url = `${fixtures.origin}/styled.html?mode=rrweb&n=${n}&receiver=${encodeURIComponent(receiver.origin.replace(/^http/, "ws"))}`;
  const customer = await openCustomer(browser, url);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await customer.page.evaluate(() => window.__receiverReady);
    const agentPage = await context.newPage();
    await agentPage.goto(`${receiver.linked}/agent.html`, { timeout: CONSOLE_TIMEOUT_MS });
    await agentPage.evaluate(watchMirror, { frameSelector: "#mirror iframe", expected: customer.expected, fontFamily: SITE_FONT, everyMs: WATCH_EVERY_MS });
    const sentBefore = receiver.bytesToAgent();
    const linkBefore = link.bytes();
    const joinedAt = Date.now();
    await agentPage.evaluate(([site, linkedSite]) => window.join(site, linkedSite), [fixtures.origin, fixtures.linked]);
    const seen = await watched(agentPage);
    const linkAfter = link.bytes();
    await sleep(SETTLE_MS);
    return {
      n,
      elements: customer.elements,
      ...times(joinedAt, seen, customer.frames),
      ...(seen.styledAt === null ? { mirrorRows: await mirrorRows(agentPage, "#mirror iframe") } : {}),
      jsonBytes: receiver.bytesToAgent() - sentBefore,
      linkBytesToAgent: linkBefore === null ? null : linkAfter.serverToAgent - linkBefore.serverToAgent,
      customerLongTasks: await longTasks(customer.page, joinedAt, (seen.styledAt ?? Date.now()) + SETTLE_MS),
    };
  } finally {
    await context.close();
    await customer.context.close();
  }
}

/** How many table rows a mirror that never showed the styled line has (null: no answer in 10 s). */
function mirrorRows(frame, frameSelector) {
  const rows = frame.evaluate((selector) => document.querySelector(selector)?.contentDocument?.querySelectorAll("tbody > tr").length ?? 0, frameSelector);
  return Promise.race([rows.catch(() => null), sleep(10_000).then(() => null)]);
}

/** Timings from the join (Date.now(), one clock on one machine): the customer's last page frame
 * sent before the mirror showed the last row, the last row shown, the last row styled. */
function times(joinedAt, seen, frames) {
  const lastSent = frames.sentAt.filter((at) => at <= (seen.shownAt ?? Infinity)).at(-1);
  return {
    styled: seen.styledAt !== null,
    joinToLastFrameSentMs: lastSent === undefined ? null : lastSent - joinedAt,
    joinToLastRowMs: seen.shownAt === null ? null : seen.shownAt - joinedAt,
    joinToStyledMs: seen.styledAt === null ? null : seen.styledAt - joinedAt,
  };
}

const log = (text) => console.error(`[bench] ${text}`);

/** The whole link run: `sizes` (elements), each `repeats` times; the first Duet session on the
 * site is the cold one (Duet's asset cache empty), then a second on the same page for the bytes.
 * `shape` is the link's rate and delay (LINK unless a comparison needs another). */
export async function runLink(browser, { sizes, repeats, shape = LINK }) {
  const link = await openLink(shape);
  const duetSide = await link.expose();
  const siteSide = await link.expose();
  const receiverSide = await link.expose();
  const fixtures = await startFixtureServer({ "/styled.html": styledPage, ...siteAssets, "/rrweb-record.js": await rrwebBundle() });
  siteSide.connectTo(Number(new URL(fixtures.origin).port));
  const receiver = await startPlainReceiver();
  receiverSide.connectTo(receiver.port);
  const started = await startServer(fixtures.origin, { DUET_PUBLIC_URL: duetSide.origin });
  duetSide.connectTo(Number(new URL(started.base).port));
  const duet = { ...started, linked: duetSide.origin };
  const site = { origin: fixtures.origin, linked: siteSide.origin };
  const plain = { ...receiver, linked: receiverSide.origin };
  log(`link: ${link.kind}`);
  const result = { link: link.kind, bin: started.bin, firstSession: null, secondSession: null, duet: [], rrweb: [] };
  try {
    log(`first session on the site (cold asset cache), ${sizes[0]} elements, Duet`);
    result.firstSession = await duetSession(browser, duet, link, site, sizes[0]);
    log(`second session on the same site, ${sizes[0]} elements, Duet`);
    result.secondSession = await duetSession(browser, duet, link, site, sizes[0]);
    for (const n of sizes) {
      for (let round = 0; round < repeats; round += 1) {
        if (!(n === sizes[0] && round === 0)) {
          log(`${n} elements, Duet (warm asset cache), round ${round + 1}`);
          result.duet.push(await duetSession(browser, duet, link, site, n));
        } else {
          result.duet.push(result.secondSession);
        }
        log(`${n} elements, plain rrweb through the same link, round ${round + 1}`);
        result.rrweb.push(await plainSession(browser, plain, link, site, n));
      }
    }
  } finally {
    await started.stop();
    await receiver.stop();
    await fixtures.stop();
    await link.stop();
  }
  return result;
}
