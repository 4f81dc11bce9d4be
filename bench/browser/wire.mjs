// Part 5, wire size from a real page: what the customer's page sends during scripted UI churn
// (an agent watching), from Playwright's `framesent`, per minute; next to the rrweb events alone
// and to the whole stream gzipped (what stream compression would leave); and what the session's
// recording grows by in that minute (#15), read from the recording file in Duet's data directory.

import { statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { decodeFrames } from "../../e2e/support/domframes.mjs";
import { joinAgent, newConversation, sdkTag, sleep, startCobrowse, waitForMirror } from "./support.mjs";

/** The page changes this often: a list item in, the oldest out, a class toggled, a counter. */
const CHURN_EVERY_MS = 100;
/** The customer's pointer moves this often. */
const MOVE_EVERY_MS = 33;

/** The churn page; `?duet=<origin>&conversation=<id>`. */
export function churnPage(url) {
  const base = url.searchParams.get("duet");
  const conversation = url.searchParams.get("conversation");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>churn</title>
<style>body{font:14px system-ui;margin:16px} .hot{background:#fe9} li{padding:2px}</style></head><body>
<h1>Live orders</h1><p>Updated <span id="count">0</span> times</p><input id="note" value="">
<ul id="feed">${Array.from({ length: 20 }, (_, i) => `<li class="row">Order ${i} placed</li>`).join("")}</ul>
<script>
  window.startChurn = (everyMs, forMs) => {
    let n = 0;
    const feed = document.getElementById("feed");
    const timer = setInterval(() => {
      n += 1;
      const li = document.createElement("li");
      li.className = "row";
      li.textContent = "Order " + (1000 + n) + " placed at " + new Date().toISOString();
      feed.prepend(li);
      if (feed.children.length > 40) feed.lastElementChild.remove();
      feed.children[n % feed.children.length].classList.toggle("hot");
      document.getElementById("count").textContent = String(n);
      if (n % 5 === 0) { const note = document.getElementById("note"); note.value = "note " + n; note.dispatchEvent(new Event("input", { bubbles: true })); }
    }, everyMs);
    setTimeout(() => clearInterval(timer), forMs);
  };
</script>
${sdkTag(base, conversation)}</body></html>`;
}

/** What a sent frame is: binary frames are a pointer (byte 0 is 2) or page changes (bit 0 of
 * byte 0: full snapshot). */
function kindOf(payload) {
  if (typeof payload !== "string") return payload[0] === 2 ? "pointer" : (payload[0] & 1) === 1 ? "full" : "dom";
  if (payload.startsWith('{"type":"dom","full":true')) return "full";
  if (payload.startsWith('{"type":"dom"')) return "dom";
  if (payload.startsWith('{"type":"pointer"')) return "pointer";
  return "other";
}

const sizeOf = (payload) => (typeof payload === "string" ? Buffer.byteLength(payload) : payload.length);

/** The size of session `code`'s recording under `dataDir` (0 before anything is written). */
function recordingBytes(dataDir, code) {
  try {
    return statSync(join(dataDir, "recordings", "default", `${code}.rec`)).size;
  } catch {
    return 0;
  }
}

/** Churns for `seconds` with an agent watching; sizes are scaled to one minute. The session's
 * recording (under `dataDir`) is measured over the same minute. */
export async function runWire(browser, base, fixtures, seconds, dataDir) {
  const conversation = newConversation();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await context.newPage();
  // Every frame is kept (binary page changes can only be read from their stream's full frame);
  // the churn minute is the frames from `from` on.
  const frames = [];
  let from = Infinity;
  customer.on("websocket", (ws) => ws.on("framesent", (frame) => frames.push(frame.payload)));
  await customer.goto(`${fixtures}/churn.html?duet=${encodeURIComponent(base)}&conversation=${conversation}`);
  const code = await startCobrowse(customer, conversation);
  const agent = await joinAgent(browser, base, conversation, code);
  try {
    await waitForMirror(agent, "#feed", 15_000);
    await sleep(500);
    const agentHeap = await heapMeter(agent.page);
    const heapBefore = await agentHeap();
    from = frames.length;
    const recordedBefore = recordingBytes(dataDir, code);
    const started = Date.now();
    await customer.evaluate(([every, ms]) => window.startChurn(every, ms), [CHURN_EVERY_MS, seconds * 1000]);
    for (let i = 0; Date.now() - started < seconds * 1000; i += 1) {
      await customer.mouse.move(200 + ((i * 7) % 600), 150 + ((i * 13) % 400));
      await sleep(MOVE_EVERY_MS);
    }
    await sleep(300);
    const until = frames.length;
    const minutes = (Date.now() - started) / 60_000;
    const recordedAfter = recordingBytes(dataDir, code);
    const heapAfter = await agentHeap();
    return {
      ...summarizeWire(frames, from, until, minutes),
      agentHeapBeforeBytes: heapBefore,
      agentHeapAfterBytes: heapAfter,
      agentHeapGrowthPerMin: Math.round((heapAfter - heapBefore) / minutes),
      recordingBytesPerMin: Math.round((recordedAfter - recordedBefore) / minutes),
      recordingSnapshotBytes: recordedBefore,
    };
  } finally {
    await agent.page.context().close();
    await context.close();
  }
}

/** The agent tab's JavaScript heap after a full garbage collection (the console and its mirror
 * run in that tab's renderer), as a function to call before and after the churn. */
async function heapMeter(page) {
  const cdp = await page.context().newCDPSession(page);
  return async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    return (await cdp.send("Runtime.getHeapUsage")).usedSize;
  };
}

function summarizeWire(all, from, until, minutes) {
  const perMinute = (x) => Math.round(x / minutes);
  const decoded = decodeFrames(all).slice(from, until);
  const frames = all.slice(from, until);
  const bytes = (list) => list.reduce((sum, payload) => sum + sizeOf(payload), 0);
  const by = (kind) => frames.filter((payload) => kindOf(payload) === kind);
  const domEvents = decoded.filter((msg) => msg.type === "dom").map((msg) => msg.events);
  // rrweb's JSON as rrweb emits it: Duet leaves each event's timestamp out, rrweb has one.
  const stamped = (events) => events.map((event) => ({ ...event, timestamp: event.timestamp ?? Date.now() }));
  const rrwebJson = domEvents.reduce((sum, events) => sum + Buffer.byteLength(JSON.stringify(stamped(events))), 0);
  const events = domEvents.reduce((sum, list) => sum + list.length, 0);
  const asText = decoded.map((msg) => JSON.stringify(msg)).join("\n");
  return {
    minutes: Math.round(minutes * 1000) / 1000,
    framesPerMin: perMinute(frames.length),
    bytesPerMin: perMinute(bytes(frames)),
    domFramesPerMin: perMinute(by("dom").length),
    domBytesPerMin: perMinute(bytes(by("dom"))),
    rrwebEventsPerMin: perMinute(events),
    rrwebJsonBytesPerMin: perMinute(rrwebJson),
    pointerFramesPerMin: perMinute(by("pointer").length),
    pointerBytesPerMin: perMinute(bytes(by("pointer"))),
    fullSnapshots: by("full").length,
    gzipStreamBytesPerMin: perMinute(gzipSync(asText, { level: 6 }).length),
  };
}
