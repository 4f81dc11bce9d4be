// Part 4, the customer's tab: main-thread cost of capturing a large page, (i) with Duet's sdk.js
// from start through an agent's join until the agent sees the page's last row, and (ii) with
// plain rrweb record() of the same page. Long Tasks API for the longest tasks, CDP
// Performance.getMetrics for total script and task time in the page's renderer. The table comes
// in two layouts: rows back to back (`big.html`), and server-rendered HTML with whitespace text
// nodes between rows and cells (`?layout=whitespace`), whose slices the agent's mirror once
// applied in time growing with the square of the rows (webresource/build/rrweb-patch.mjs).

import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, joinAgent, newConversation, sdkTag, sleep, waitUntil } from "./support.mjs";

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
/** Elements per row of the whitespace layout: tr and 3 td (80,000 elements: 20,000 rows). */
const ELEMENTS_PER_SERVER_ROW = 4;
/** How often the console checks its mirror for the page's last row. */
const MIRROR_POLL_MS = 10;

/** Bundles `contents` (a module importing webresource's packages, unpatched) into one script. */
export async function scriptBundle(contents) {
  const require = createRequire(join(ROOT, "webresource", "package.json"));
  const { build } = require("esbuild");
  const result = await build({
    stdin: { contents, resolveDir: join(ROOT, "webresource") },
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    target: ["es2022"],
    logLevel: "warning",
  });
  return result.outputFiles[0].text;
}

/** Bundles @rrweb/record (the version sdk.js uses) as `window.rrwebRecord`. */
export async function rrwebBundle() {
  const body = await scriptBundle('import { record } from "@rrweb/record"; window.rrwebRecord = record;');
  return { type: "text/javascript", body };
}

/** A table page of about `?n=` elements; `?mode=duet` adds sdk.js (`&duet=&conversation=`), else
 * rrweb. `?layout=whitespace` renders it as a server would: each row and cell on its own indented
 * line, so whitespace text nodes separate the rows (and the cells). */
export function bigPage(url) {
  const whitespace = url.searchParams.get("layout") === "whitespace";
  const n = Number(url.searchParams.get("n"));
  const rows = whitespace ? serverRows(Math.round(n / ELEMENTS_PER_SERVER_ROW)) : packedRows(Math.round(n / ELEMENTS_PER_ROW));
  const mode = url.searchParams.get("mode");
  const script =
    mode === "duet" ? sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation")) : '<script src="/rrweb-record.js"></script>';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>big</title>
<script>
  window.__longtasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __longtasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: "longtask", buffered: true });
</script>
<style>body{font:13px system-ui;margin:8px} td{padding:1px 6px;border-bottom:1px solid #eee} input{width:40px}</style></head>
<body><h1>Orders</h1><table><tbody>${rows}</tbody></table><p id="last">end of page</p>${script}</body></html>`;
}

/** Rows back to back, eight elements each. */
export function packedRows(count) {
  const body = [];
  for (let i = 0; i < count; i += 1) {
    body.push(
      `<tr id="r${i}"><td>${i}</td><td><span class="name">Item number ${i}</span></td>` +
        `<td><input name="q${i}" value="${i % 10}"></td><td><a href="#r${i}">Open ${i}</a></td></tr>`,
    );
  }
  return body.join("");
}

/** Rows as server-rendered HTML: four elements each, every row and cell on its own line. */
function serverRows(count) {
  const body = [];
  for (let i = 0; i < count; i += 1) {
    body.push(`
      <tr id="r${i}">
        <td>${i}</td>
        <td>Customer ${i}</td>
        <td>${((i * 37) % 10_000) / 100}</td>
      </tr>`);
  }
  return `${body.join("")}
    `;
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
async function measureDuet(browser, base, fixtures, n, layout) {
  const conversation = newConversation();
  const url = `${fixtures}/big.html?mode=duet&n=${n}&layout=${layout}&duet=${encodeURIComponent(base)}&conversation=${conversation}`;
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
    const shownAt = await mirrorShows(agent, "#last", MIRROR_TIMEOUT_MS);
    const sent = {
      layout,
      elements: customer.elements,
      start,
      fullSnapshotFrames: fullFrames.length,
      fullSnapshotBytes: fullFrames.at(-1)?.bytes ?? 0,
      customerSockets: customer.sockets.opened,
      mirrorShown: shownAt !== null,
    };
    if (shownAt === null) {
      return { ...sent, ...(await stuck(page, fullFrames, framesBeforeJoin, joinedAt)), ...(await agentStuck(agent, customer.domFrames)) };
    }
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
      lastSliceToMirrorMs: lastSliceToMirror(customer.domFrames, shownAt),
      ...pageSent(customer.domFrames, fullFrames.at(-1)?.at ?? 0, shownAt),
    };
  } finally {
    await agent?.page.context().close();
    await customer.context.close();
  }
}

/** Has the console check its mirror every few milliseconds for `selector` and note the time it
 * appears (one clock with the customer's frames: one machine); resolves with that time, or null
 * after `ms`. The agent's tab may be too busy to answer: every question to it is bounded. */
async function mirrorShows(agent, selector, ms) {
  await agent.frame.evaluate(
    ([sel, every]) => {
      window.__mirrorShownAt = null;
      const timer = setInterval(() => {
        const doc = document.querySelector('[data-testid="agent-mirror"]')?.contentDocument;
        if (doc?.querySelector(sel) == null) return;
        window.__mirrorShownAt = Date.now();
        clearInterval(timer);
      }, every);
    },
    [selector, MIRROR_POLL_MS],
  );
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const at = await bounded(
      agent.frame.evaluate(() => window.__mirrorShownAt),
      Math.max(1, deadline - Date.now()),
    );
    if (typeof at === "number") return at;
    await sleep(100);
  }
  return null;
}

/** From the last page frame the customer sent before the mirror showed the last row (the
 * snapshot's last slice) until it did: how far the agent's mirror lags behind the page. */
function lastSliceToMirror(domFrames, shownAt) {
  const last = domFrames.filter((frame) => frame.at <= shownAt).at(-1);
  return last === undefined ? null : shownAt - last.at;
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

/** How far an agent's mirror that never showed the last row got: the rows it has, whether the
 * agent's tab answers, and how long ago the customer sent its last page frame. */
async function agentStuck(agent, domFrames) {
  const asked = Date.now();
  const rows = await bounded(
    agent.frame.evaluate(() => document.querySelector('[data-testid="agent-mirror"]')?.contentDocument?.querySelectorAll("tbody > tr").length ?? 0),
    PROBE_TIMEOUT_MS,
  );
  return {
    mirrorRows: rows,
    agentAnswerMs: rows === null ? null : Date.now() - asked,
    lastFrameAgoMs: domFrames.length === 0 ? null : asked - domFrames.at(-1).at,
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
export function runTabDuet(browser, base, fixtures, n, layout = "packed") {
  return measureDuet(browser, base, fixtures, n, layout);
}

/** Plain rrweb's capture of the same page. */
export function runTabRrweb(browser, fixtures, n) {
  return measureRrweb(browser, fixtures, n);
}

export { LONG_TASK_MS };
