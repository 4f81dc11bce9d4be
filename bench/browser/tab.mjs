// Part 4, the customer's tab: main-thread cost of capturing a large page, (i) with Duet's sdk.js
// from start through an agent's join until the agent sees the page's last row, and (ii) with
// plain rrweb record() of the same page. Long Tasks API for the longest tasks, CDP
// Performance.getMetrics for total script and task time in the page's renderer.

import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, joinAgent, newConversation, sdkTag, sleep, waitForMirror, waitUntil } from "./support.mjs";

/** Quiet time before and after a measured window, so page load and stragglers stay out of it. */
const SETTLE_MS = 1_000;
/** Longest wait for a snapshot to be taken or to arrive in the mirror. */
const MIRROR_TIMEOUT_MS = 30_000;
/** How long a stuck page gets to answer a trivial evaluation. */
const PROBE_TIMEOUT_MS = 10_000;
/** Tasks longer than this are long tasks (the Long Tasks API threshold). */
const LONG_TASK_MS = 50;
/** Elements per table row in the fixture: tr, 4 td, span, input, a. */
const ELEMENTS_PER_ROW = 8;

/** Bundles @rrweb/record (the version sdk.js uses) as `window.rrwebRecord`. */
export async function rrwebBundle() {
  const require = createRequire(join(ROOT, "webresource", "package.json"));
  const { build } = require("esbuild");
  const result = await build({
    stdin: { contents: 'import { record } from "@rrweb/record"; window.rrwebRecord = record;', resolveDir: join(ROOT, "webresource") },
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    target: ["es2022"],
    logLevel: "warning",
  });
  return { type: "text/javascript", body: result.outputFiles[0].text };
}

/** A table page of about `?n=` elements; `?mode=duet` adds sdk.js (`&duet=&conversation=`), else rrweb. */
export function bigPage(url) {
  const rows = Math.round(Number(url.searchParams.get("n")) / ELEMENTS_PER_ROW);
  const mode = url.searchParams.get("mode");
  const body = [];
  for (let i = 0; i < rows; i += 1) {
    body.push(
      `<tr id="r${i}"><td>${i}</td><td><span class="name">Item number ${i}</span></td>` +
        `<td><input name="q${i}" value="${i % 10}"></td><td><a href="#r${i}">Open ${i}</a></td></tr>`,
    );
  }
  const script =
    mode === "duet" ? sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation")) : '<script src="/rrweb-record.js"></script>';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>big</title>
<script>
  window.__longtasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __longtasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: "longtask", buffered: true });
</script>
<style>body{font:13px system-ui;margin:8px} td{padding:1px 6px;border-bottom:1px solid #eee} input{width:40px}</style></head>
<body><h1>Orders</h1><table><tbody>${body.join("")}</tbody></table><p id="last">end of page</p>${script}</body></html>`;
}

async function cdpMetrics(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

const pageNow = (page) => page.evaluate(() => performance.now());

/** Long tasks that started in [from, to) (page time), summarized. */
async function longTasks(page, from, to) {
  const tasks = await page.evaluate(([a, b]) => window.__longtasks.filter((t) => t.start >= a && t.start < b), [from, to]);
  const durations = tasks.map((t) => t.duration);
  const round = (x) => Math.round(x);
  return {
    count: tasks.length,
    longestMs: round(Math.max(0, ...durations)),
    totalMs: round(durations.reduce((a, b) => a + b, 0)),
  };
}

/** Times JSON.stringify and WebSocket send of large frames (over 100 KB), to split the snapshot task. */
function timeLargeFrames() {
  const big = 100_000;
  const spent = (window.__largeFrames = []);
  const stringify = JSON.stringify;
  JSON.stringify = function (...args) {
    const start = performance.now();
    const text = stringify.apply(this, args);
    if (typeof text === "string" && text.length > big) spent.push({ what: "stringify", ms: performance.now() - start, chars: text.length });
    return text;
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const start = performance.now();
    send.call(this, data);
    const size = typeof data === "string" ? data.length : (data?.byteLength ?? 0);
    if (size > big / 10) spent.push({ what: "send", ms: performance.now() - start, chars: size });
  };
}

async function openCustomer(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(timeLargeFrames);
  const page = await context.newPage();
  const fullFrames = [];
  const domFrames = [];
  const sockets = { opened: 0 };
  page.on("websocket", (ws) => {
    sockets.opened += 1;
    ws.on("framesent", (frame) => {
      const payload = frame.payload;
      // Page changes go out as binary frames whose first byte's bit 0 marks a full snapshot;
      // older builds sent `dom` text frames.
      const full = typeof payload === "string" ? payload.startsWith('{"type":"dom","full":true') : (payload[0] & 1) === 1;
      const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
      if (full) fullFrames.push({ bytes, at: Date.now() });
      if (typeof payload !== "string" && payload[0] !== 2) domFrames.push({ bytes, at: Date.now() }); // 2: a pointer
    });
  });
  await page.goto(url, { timeout: 120_000 });
  const elements = await page.evaluate(() => document.getElementsByTagName("*").length);
  await sleep(SETTLE_MS);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { context, page, cdp, elements, fullFrames, domFrames, sockets };
}

/** (i) Duet: startCobrowse, then an agent joins (recording, and the full snapshot, start then). */
async function measureDuet(browser, base, fixtures, n) {
  const conversation = newConversation();
  const url = `${fixtures}/big.html?mode=duet&n=${n}&duet=${encodeURIComponent(base)}&conversation=${conversation}`;
  const customer = await openCustomer(browser, url);
  const { page, cdp, fullFrames } = customer;
  let agent = null;
  try {
    await waitUntil("window.Duet", () => page.evaluate(() => window.Duet !== undefined));
    const before = await cdpMetrics(cdp);
    const t0 = await pageNow(page);
    const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
    // Duet records only once an agent watches; builds that snapshot at start send one here.
    await sleep(SETTLE_MS);
    const tJoin = await pageNow(page);
    const start = await longTasks(page, t0, tJoin);
    const framesBeforeJoin = fullFrames.length;
    agent = await joinAgent(browser, base, conversation, sessionId);
    const joinedAt = Date.now();
    // A snapshot larger than the server's message limit never arrives: record that, do not fail.
    const shownAt = await waitForMirror(agent, "#last", MIRROR_TIMEOUT_MS).then(
      () => Date.now(),
      () => null,
    );
    const sent = {
      elements: customer.elements,
      start,
      fullSnapshotFrames: fullFrames.length,
      fullSnapshotBytes: fullFrames.at(-1)?.bytes ?? 0,
      customerSockets: customer.sockets.opened,
      mirrorShown: shownAt !== null,
    };
    if (shownAt === null) return { ...sent, ...(await stuck(page, fullFrames, framesBeforeJoin, joinedAt)) };
    await sleep(SETTLE_MS);
    const tEnd = await pageNow(page);
    const after = await cdpMetrics(cdp);
    const large = await page.evaluate(() => window.__largeFrames);
    const spentOn = (what) => Math.round(large.filter((x) => x.what === what).reduce((sum, x) => sum + x.ms, 0));
    return {
      ...sent,
      stringifyMs: spentOn("stringify"),
      sendMs: spentOn("send"),
      join: await longTasks(page, tJoin, tEnd),
      all: await longTasks(page, t0, tEnd),
      scriptMs: Math.round((after.ScriptDuration - before.ScriptDuration) * 1000),
      taskMs: Math.round((after.TaskDuration - before.TaskDuration) * 1000),
      sentToMirrorMs: fullFrames.length >= 1 ? shownAt - fullFrames.at(-1).at : null,
      ...pageSent(customer.domFrames, fullFrames.at(-1)?.at ?? 0, shownAt),
    };
  } finally {
    await agent?.page.context().close();
    await customer.context.close();
  }
}

/** The frames and bytes that carried the page to the agent: the full snapshot (sent at `from`)
 * and the slices after it (webresource/src/sdk/slicing.ts) until the mirror showed the last row. */
function pageSent(domFrames, from, until) {
  const frames = domFrames.filter((frame) => frame.at >= from && frame.at <= until);
  return { pageFrames: frames.length, pageBytes: frames.reduce((sum, frame) => sum + frame.bytes, 0) };
}

/** Resolves `promise`, or null after `ms`. */
function bounded(promise, ms) {
  return Promise.race([promise, sleep(ms).then(() => null)]);
}

/** What a customer page whose snapshot never reaches the agent is doing: snapshots re-sent while
 * the agent waited, and how long the page takes to answer a trivial evaluation. */
async function stuck(page, fullFrames, framesBeforeJoin, joinedAt) {
  const asked = Date.now();
  const answered = await bounded(page.evaluate(() => true), PROBE_TIMEOUT_MS);
  return {
    resentWhileAgentWaited: fullFrames.length - framesBeforeJoin,
    agentWaitedMs: asked - joinedAt,
    evaluateAnswerMs: answered === null ? null : Date.now() - asked,
  };
}

/** (ii) plain rrweb record() with default options, events kept in an array. */
async function measureRrweb(browser, fixtures, n) {
  const customer = await openCustomer(browser, `${fixtures}/big.html?mode=rrweb&n=${n}`);
  const { page, cdp } = customer;
  try {
    const before = await cdpMetrics(cdp);
    const t0 = await pageNow(page);
    // From a page task, not from the evaluate itself: CDP's evaluation is not a task the Long
    // Tasks API or ScriptDuration sees.
    await page.evaluate(() => {
      window.__events = [];
      setTimeout(() => {
        const start = performance.now();
        window.__stop = window.rrwebRecord({ emit: (event) => window.__events.push(event) });
        window.__recordMs = performance.now() - start;
      }, 0);
    });
    const callMs = await waitUntil("record() to return", () => page.evaluate(() => window.__recordMs), MIRROR_TIMEOUT_MS);
    await sleep(SETTLE_MS);
    const tEnd = await pageNow(page);
    const after = await cdpMetrics(cdp);
    const bytes = await page.evaluate(() => new Blob([JSON.stringify(window.__events)]).size);
    return {
      elements: customer.elements,
      all: await longTasks(page, t0, tEnd),
      recordCallMs: Math.round(callMs),
      scriptMs: Math.round((after.ScriptDuration - before.ScriptDuration) * 1000),
      taskMs: Math.round((after.TaskDuration - before.TaskDuration) * 1000),
      snapshotBytes: bytes,
    };
  } finally {
    await customer.context.close();
  }
}

/** Duet's capture of an `n`-element page through the server at `base`. */
export function runTabDuet(browser, base, fixtures, n) {
  return measureDuet(browser, base, fixtures, n);
}

/** Plain rrweb's capture of the same page. */
export function runTabRrweb(browser, fixtures, n) {
  return measureRrweb(browser, fixtures, n);
}

export { LONG_TASK_MS };
