// Part 5, wire size from a real page: what the customer's page sends during scripted UI churn
// (an agent watching), from Playwright's `framesent`, per minute; next to the rrweb events alone
// and to the whole stream gzipped (what stream compression would leave).

import { gzipSync } from "node:zlib";
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

function kindOf(text) {
  if (text.startsWith('{"type":"dom","full":true')) return "full";
  if (text.startsWith('{"type":"dom"')) return "dom";
  if (text.startsWith('{"type":"pointer"')) return "pointer";
  return "other";
}

/** Churns for `seconds` with an agent watching; sizes are scaled to one minute. */
export async function runWire(browser, base, fixtures, seconds) {
  const conversation = newConversation();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await context.newPage();
  const frames = [];
  let recording = false;
  customer.on("websocket", (ws) =>
    ws.on("framesent", (frame) => {
      if (recording) frames.push(String(frame.payload));
    }),
  );
  await customer.goto(`${fixtures}/churn.html?duet=${encodeURIComponent(base)}&conversation=${conversation}`);
  const code = await startCobrowse(customer, conversation);
  const agent = await joinAgent(browser, base, conversation, code);
  try {
    await waitForMirror(agent, "#feed", 15_000);
    await sleep(500);
    recording = true;
    const started = Date.now();
    await customer.evaluate(([every, ms]) => window.startChurn(every, ms), [CHURN_EVERY_MS, seconds * 1000]);
    for (let i = 0; Date.now() - started < seconds * 1000; i += 1) {
      await customer.mouse.move(200 + ((i * 7) % 600), 150 + ((i * 13) % 400));
      await sleep(MOVE_EVERY_MS);
    }
    await sleep(300);
    recording = false;
    return summarizeWire(frames, (Date.now() - started) / 60_000);
  } finally {
    await agent.page.context().close();
    await context.close();
  }
}

function summarizeWire(frames, minutes) {
  const perMinute = (x) => Math.round(x / minutes);
  const bytes = (list) => list.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const by = (kind) => frames.filter((text) => kindOf(text) === kind);
  const dom = by("dom");
  const rrwebJson = dom.reduce((sum, text) => sum + Buffer.byteLength(JSON.stringify(JSON.parse(text).events)), 0);
  const events = dom.reduce((sum, text) => sum + JSON.parse(text).events.length, 0);
  return {
    minutes: Math.round(minutes * 1000) / 1000,
    framesPerMin: perMinute(frames.length),
    bytesPerMin: perMinute(bytes(frames)),
    domFramesPerMin: perMinute(dom.length),
    domBytesPerMin: perMinute(bytes(dom)),
    rrwebEventsPerMin: perMinute(events),
    rrwebJsonBytesPerMin: perMinute(rrwebJson),
    pointerFramesPerMin: perMinute(by("pointer").length),
    pointerBytesPerMin: perMinute(bytes(by("pointer"))),
    fullSnapshots: by("full").length,
    gzipStreamBytesPerMin: perMinute(gzipSync(frames.join("\n"), { level: 6 }).length),
  };
}
