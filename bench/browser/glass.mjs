// Part 3, glass to glass: a DOM change and a pointer move on the customer's page, timed until
// the agent's console shows them, and a stroke point the agent draws in the console, timed until
// the customer's annotation overlay shows it, through the real server. Both pages run in one
// browser on one machine, so `performance.timeOrigin + performance.now()` is one clock on both sides.

import {
  joinAgent,
  newConversation,
  sdkTag,
  sleep,
  startCobrowse,
  summarize,
  waitForMirror,
} from "./support.mjs";

/** Unmeasured samples first, so connection set-up and JIT warm-up do not count. */
const WARMUP = 10;
/** A sample that has not arrived after this long is counted as lost. */
const SAMPLE_TIMEOUT_MS = 3_000;
/** Pause between samples, drawn from this range, so they measure latency and not queueing. */
const GAP_MS = [50, 100];

/** The customer's page; `?duet=<origin>&conversation=<id>`. */
export function glassPage(url) {
  const base = url.searchParams.get("duet");
  const conversation = url.searchParams.get("conversation");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>glass</title>
<style>body{font:15px system-ui;margin:24px} p{margin:8px 0}</style></head><body>
<h1>Glass-to-glass fixture</h1><p id="probe">start</p>
${Array.from({ length: 50 }, (_, i) => `<p class="filler">Paragraph ${i} of ordinary page text.</p>`).join("")}
<script>
  window.__moves = [];
  addEventListener("mousemove", () => __moves.push(performance.timeOrigin + performance.now()), { capture: true, passive: true });
</script>
${sdkTag(base, conversation)}</body></html>`;
}

/** Installs `window.__until(get, ms)` in a page: resolves with `get()` once it has a `frame` time,
 * or with null after `ms`. The instrumenting functions below use it (each runs in the page alone). */
function installUntil() {
  const now = () => performance.timeOrigin + performance.now();
  window.__until = (get, ms) =>
    new Promise((done) => {
      const deadline = now() + ms;
      const poll = () => {
        const value = get();
        if (value?.frame != null || now() > deadline) done(value ?? null);
        else setTimeout(poll, 1);
      };
      poll();
    });
}

/** Installs observers in the console: the probe's text in the mirror, the customer pointer's style. */
function instrumentConsole() {
  const now = () => performance.timeOrigin + performance.now();
  const mirror = document.querySelector('[data-testid="agent-mirror"]');
  const doc = mirror.contentDocument;
  const seen = new Map();
  new MutationObserver(() => {
    const text = doc.getElementById("probe")?.textContent ?? "";
    if (seen.has(text)) return;
    const entry = { applied: now(), frame: null };
    seen.set(text, entry);
    requestAnimationFrame(() => (entry.frame = now()));
  }).observe(doc.documentElement, { subtree: true, childList: true, characterData: true });
  const pointer = document.querySelector(".customer-pointer");
  const moves = [];
  new MutationObserver(() => {
    const entry = { applied: now(), frame: null, transform: pointer.style.transform };
    moves.push(entry);
    requestAnimationFrame(() => (entry.frame = now()));
  }).observe(pointer, { attributes: true, attributeFilter: ["style"] });
  const until = window.__until;
  window.__bench = {
    mirror,
    text: (token, ms) => until(() => seen.get(token), ms),
    moveCount: () => moves.length,
    move: (after, ms) => until(() => moves[after], ms),
  };
}

async function domSample(customer, agent, i) {
  const token = `tok-${i}-${Math.random().toString(36).slice(2, 10)}`;
  const changed = await customer.evaluate((value) => {
    const at = performance.timeOrigin + performance.now();
    document.getElementById("probe").firstChild.data = value;
    return at;
  }, token);
  const shown = await agent.frame.evaluate(([value, ms]) => window.__bench.text(value, ms), [token, SAMPLE_TIMEOUT_MS]);
  return shown === null ? null : { applied: shown.applied - changed, frame: shown.frame - changed };
}

async function pointerSample(customer, agent, i) {
  const before = await agent.frame.evaluate(() => window.__bench.moveCount());
  await customer.mouse.move(100 + (i % 40) * 20, 100 + (i % 2) * 300 + (i % 9) * 10);
  const moved = await customer.evaluate(() => window.__moves.at(-1));
  const shown = await agent.frame.evaluate(([after, ms]) => window.__bench.move(after, ms), [before, SAMPLE_TIMEOUT_MS]);
  return shown === null ? null : { applied: shown.applied - moved, frame: shown.frame - moved };
}

/** Installs in the customer's page: when the drawn stroke (the overlay's polyline) got each count of points. */
function instrumentCustomer() {
  const now = () => performance.timeOrigin + performance.now();
  const grown = new Map();
  new MutationObserver(() => {
    const line = document.querySelector('[data-testid="cobrowse-annotations"] [data-annotation="stroke"] polyline');
    const count = line?.getAttribute("points").split(" ").length ?? 0;
    if (count === 0 || grown.has(count)) return;
    const entry = { applied: now(), frame: null };
    grown.set(count, entry);
    requestAnimationFrame(() => (entry.frame = now()));
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["points"] });
  const until = window.__until;
  window.__strokeBench = {
    count: () => Math.max(0, ...grown.keys()),
    grown: (count, ms) => until(() => grown.get(count), ms),
  };
}

/** Installs in the console: when the agent's mouse last moved over the mirror. */
function instrumentDrawing() {
  window.__drawMoves = [];
  const overlay = document.querySelector(".mirror-overlay");
  overlay.addEventListener("mousemove", () => window.__drawMoves.push(performance.timeOrigin + performance.now()), { capture: true });
}

/** Chooses Draw and presses the mouse on the mirror; returns where, on the agent's page. */
async function startStroke(agent) {
  await agent.frame.evaluate(instrumentDrawing);
  await agent.frame.click('[data-testid="agent-tool-draw"]');
  const mirror = await agent.frame.locator('[data-testid="agent-mirror"]').boundingBox();
  const at = { x: mirror.x + 40, y: mirror.y + mirror.height / 3 };
  await agent.page.mouse.move(at.x, at.y);
  await agent.page.mouse.down();
  return at;
}

async function strokeSample(customer, agent, at, i) {
  const before = await customer.evaluate(() => window.__strokeBench.count());
  // Two CSS pixels a sample, back and forth in rows, so every move is a new point of one stroke.
  await agent.page.mouse.move(at.x + (i % 100) * 2, at.y + Math.floor(i / 100) * 6);
  const moved = await agent.frame.evaluate(() => window.__drawMoves.at(-1));
  const shown = await customer.evaluate(([count, ms]) => window.__strokeBench.grown(count, ms), [before + 1, SAMPLE_TIMEOUT_MS]);
  return shown === null ? null : { applied: shown.applied - moved, frame: shown.frame - moved };
}

async function collect(samples, sample) {
  const applied = [];
  const frame = [];
  let lost = 0;
  for (let i = 0; i < WARMUP + samples; i += 1) {
    const result = await sample(i);
    if (i >= WARMUP) {
      if (result === null) lost += 1;
      else {
        applied.push(result.applied);
        frame.push(result.frame);
      }
    }
    await sleep(GAP_MS[0] + Math.random() * (GAP_MS[1] - GAP_MS[0]));
  }
  return { applied: summarize(applied), frame: summarize(frame), lost };
}

/** Runs the glass-to-glass measurements (DOM, pointer, stroke) with `samples` samples each. */
/** `fixtures` is the static server's origin, serving `glassPage` at /glass.html. */
export async function runGlass(browser, base, fixtures, samples, agentBase = base) {
  const conversation = newConversation();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await context.newPage();
  await customer.goto(`${fixtures}/glass.html?duet=${encodeURIComponent(base)}&conversation=${conversation}`);
  const code = await startCobrowse(customer, conversation);
  const agent = await joinAgent(browser, agentBase, conversation, code);
  try {
    await waitForMirror(agent, "#probe", 15_000);
    await agent.frame.evaluate(installUntil);
    await agent.frame.evaluate(instrumentConsole);
    const dom = await collect(samples, (i) => domSample(customer, agent, i));
    const pointer = await collect(samples, (i) => pointerSample(customer, agent, i));
    const sameMirror = await agent.frame.evaluate(
      () => window.__bench.mirror === document.querySelector('[data-testid="agent-mirror"]'),
    );
    await customer.evaluate(installUntil);
    await customer.evaluate(instrumentCustomer);
    const at = await startStroke(agent);
    const stroke = await collect(samples, (i) => strokeSample(customer, agent, at, i));
    await agent.page.mouse.up();
    return { dom, pointer, stroke, sameMirror };
  } finally {
    await agent.page.context().close();
    await context.close();
  }
}
