// Opening a long session recording (#15): how long from a supervisor's click on Play to the first
// frame in the player's mirror, for a 30-minute recording of realistic size; then the same
// recording played through to its end, to show it is one a player can read.
//
// The recording: a real co-browse session on the churn page (wire.mjs's UI churn and pointer, an
// agent watching in the console), ended by the customer, so Duet wrote its recording and the
// store knows the session; then recfile.mjs lengthens that recording to 30 minutes (copies of the
// real segment, each from its full snapshot) and it replaces the real file. Every page frame is
// inflated in Node first, and Duet's own list must still call the recording complete.

import { join } from "node:path";
import { KIND, checkPageFrames, lengthen, readRecording, writeRecording } from "./recfile.mjs";
import { joinAgent, newConversation, sleep, startCobrowse, summarize, waitForMirror, waitUntil } from "./support.mjs";

/** The recording is lengthened to this. */
const MINUTES = 30;
/** The customer's page changes and pointer moves this often during the real session. */
const CHURN_EVERY_MS = 100;
const MOVE_EVERY_MS = 33;
/** Longest wait for a first frame, and for playing the whole recording through. */
const FIRST_FRAME_TIMEOUT_MS = 30_000;
const PLAY_THROUGH_TIMEOUT_MS = 180_000;
/** The speed the play-through sets (the player's speed control, given a larger value). */
const PLAY_THROUGH_SPEED = 1_000_000;

/** Records a real session with `seconds` of churn, lengthens it, and opens it `opens` times. */
export async function runReplay(browser, base, fixtures, dataDir, { seconds, opens }) {
  const real = await recordRealSession(browser, base, fixtures, seconds);
  const path = join(dataDir, "recordings", "default", `${real.code}.rec`);
  const realEntries = await waitUntil("the real recording's end", () => {
    const entries = readRecording(path);
    return entries.at(-1)?.kind === KIND.end ? entries : null;
  });
  const long = lengthen(realEntries, MINUTES);
  const frames = checkPageFrames(long.entries);
  writeRecording(path, long.entries);
  const bytes = long.entries.reduce((sum, entry) => sum + 13 + entry.payload.length, 8);
  const supervisor = await signInSupervisor(base);
  const listed = await listedAs(base, supervisor, real.code);
  if (listed !== "complete") throw new Error(`Duet lists the lengthened recording as ${listed}, not complete`);
  const samples = [];
  for (let i = 0; i < opens; i += 1) samples.push(await openOnce(browser, base, supervisor, real.code));
  const through = await playThrough(browser, base, supervisor, real.code, real.finalCount);
  return {
    real: {
      seconds: Math.round(((realEntries.at(-1).at - realEntries[0].at) / 1000) * 10) / 10,
      bytes: realEntries.reduce((sum, entry) => sum + 13 + entry.payload.length, 8),
      entries: realEntries.length,
    },
    recording: {
      minutes: Math.round(long.minutes * 100) / 100,
      bytes,
      bytesPerMin: Math.round(bytes / long.minutes),
      entries: long.entries.length,
      copies: long.copies,
      ...frames,
      listed,
    },
    firstFrame: summarize(samples.map((s) => s.firstFrameMs)),
    painted: summarize(samples.map((s) => s.paintedMs)),
    firstChunk: summarize(samples.map((s) => s.chunkDoneMs).filter((x) => x !== null)),
    firstChunkBytes: samples[0]?.chunkBytes ?? 0,
    samples,
    playThrough: through,
  };
}

/** A real session on the churn page with an agent watching, ended by the customer. */
async function recordRealSession(browser, base, fixtures, seconds) {
  const conversation = newConversation();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await context.newPage();
  await customer.goto(`${fixtures}/churn.html?duet=${encodeURIComponent(base)}&conversation=${conversation}`);
  const code = await startCobrowse(customer, conversation);
  const agent = await joinAgent(browser, base, conversation, code);
  try {
    await waitForMirror(agent, "#feed", 15_000);
    const started = Date.now();
    await customer.evaluate(([every, ms]) => window.startChurn(every, ms), [CHURN_EVERY_MS, seconds * 1000]);
    for (let i = 0; Date.now() - started < seconds * 1000; i += 1) {
      await customer.mouse.move(200 + ((i * 7) % 600), 150 + ((i * 13) % 400));
      await sleep(MOVE_EVERY_MS);
    }
    await sleep(500);
    const finalCount = await customer.evaluate(() => document.getElementById("count").textContent);
    await waitUntil("the last change in the agent's mirror", () =>
      agent.frame.evaluate(
        (count) => document.querySelector('[data-testid="agent-mirror"]')?.contentDocument?.getElementById("count")?.textContent === count,
        finalCount,
      ),
    );
    await customer.evaluate(() => window.Duet.exit());
    return { code, finalCount };
  } finally {
    await agent.page.context().close();
    await context.close();
  }
}

/** The development sign-in with the supervisor's role (loopback only). */
async function signInSupervisor(base) {
  const response = await fetch(`${base}/api/agent/signin`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Sue", roles: ["Duet.Supervisor"] }),
  });
  if (!response.ok) throw new Error(`supervisor sign-in: ${response.status} ${await response.text()}`);
  return response.json();
}

/** How Duet's supervisor list describes session `code`'s recording. */
async function listedAs(base, supervisor, code) {
  const response = await fetch(`${base}/api/supervisor/sessions?q=${code}`, { headers: { Authorization: `Bearer ${supervisor.token}` } });
  if (!response.ok) throw new Error(`supervisor list: ${response.status} ${await response.text()}`);
  const { sessions } = await response.json();
  return sessions.find((s) => s.sessionId === code)?.recording?.recording ?? "not listed";
}

/** /supervisor in a fresh context, signed in, with session `code` listed; errors are collected. */
async function supervisorPage(browser, base, supervisor, code) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(({ origin, value }) => {
    if (location.origin === origin) sessionStorage.setItem("duet.supervisor", value);
  }, { origin: base, value: JSON.stringify(supervisor) });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => message.type() === "error" && errors.push(`console: ${message.text()}`));
  await page.goto(`${base}/supervisor`);
  const row = page.locator(`[data-testid="supervisor-session"][data-session="${code}"]`);
  await row.waitFor({ timeout: 15_000 });
  return { context, page, row, errors };
}

/** Notes, in the page, when Play is clicked and the first animation frame whose mirror holds the
 * customer's page (`#feed`), and the frame after it; counts the mirror frames the player builds
 * (one per full snapshot it could read). */
function installProbe() {
  const probe = { clicked: null, shown: null, painted: null, mirrors: 0 };
  window.__replayProbe = probe;
  const seen = new WeakSet();
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        for (const frame of [...(node.matches("iframe") ? [node] : []), ...node.querySelectorAll("iframe")]) {
          if (!seen.has(frame)) probe.mirrors += 1;
          seen.add(frame);
        }
      }
    }
  }).observe(document.getElementById("stage"), { childList: true, subtree: true });
  const look = () => {
    const doc = document.querySelector('#stage [data-testid="agent-mirror"]')?.contentDocument;
    if (doc?.querySelector("#feed")) {
      probe.shown = performance.now();
      requestAnimationFrame(() => (probe.painted = performance.now()));
    } else if (performance.now() - probe.clicked < 60_000) {
      requestAnimationFrame(look);
    }
  };
  document.addEventListener(
    "click",
    (event) => {
      if (probe.clicked !== null || !event.target.matches?.('[data-testid="supervisor-play"]')) return;
      probe.clicked = performance.now();
      requestAnimationFrame(look);
    },
    { capture: true },
  );
}

/** One open: click Play, wait for the first frame; times in ms from the click. */
async function openOnce(browser, base, supervisor, code) {
  const { context, page, row, errors } = await supervisorPage(browser, base, supervisor, code);
  try {
    await page.evaluate(installProbe);
    await row.getByTestId("supervisor-play").click();
    const probe = await waitUntil("the first frame in the player", () => page.evaluate(() => (window.__replayProbe.painted === null ? null : window.__replayProbe)), FIRST_FRAME_TIMEOUT_MS);
    const chunk = await page.evaluate(() => {
      const entry = performance.getEntriesByType("resource").find((e) => /\/recording\?from=0$/.test(e.name));
      return entry === undefined ? null : { start: entry.startTime, end: entry.responseEnd, bytes: entry.encodedBodySize };
    });
    if (errors.length > 0) throw new Error(`the supervisor's page reported: ${errors.join("; ")}`);
    const round = (x) => Math.round(x * 10) / 10;
    return {
      firstFrameMs: round(probe.shown - probe.clicked),
      paintedMs: round(probe.painted - probe.clicked),
      chunkDoneMs: chunk === null ? null : round(chunk.end - probe.clicked),
      chunkBytes: chunk?.bytes ?? 0,
    };
  } finally {
    await context.close();
  }
}

/** Plays the whole recording through at a huge speed and checks where it ends: the player's
 * status, its clock, one mirror per full snapshot, the real session's last count, no errors. */
async function playThrough(browser, base, supervisor, code, finalCount) {
  const { context, page, row, errors } = await supervisorPage(browser, base, supervisor, code);
  try {
    await page.evaluate(installProbe);
    await row.getByTestId("supervisor-play").click();
    await waitUntil("the first frame in the player", () => page.evaluate(() => window.__replayProbe.painted !== null), FIRST_FRAME_TIMEOUT_MS);
    const began = Date.now();
    await page.evaluate((speed) => {
      const select = document.querySelector('[data-testid="player-speed"]');
      select.append(new Option(`${speed}×`, String(speed)));
      select.value = String(speed);
    }, PLAY_THROUGH_SPEED);
    const status = page.getByTestId("player-status");
    await waitUntil("the end of the recording", async () => /End of the recording/.test((await status.textContent()) ?? ""), PLAY_THROUGH_TIMEOUT_MS);
    await waitUntil("the timeline's marks (every chunk read)", async () => (await page.locator('[data-testid="player-marks"] [data-mark]').count()) > 0);
    const ms = Date.now() - began;
    const mirror = page.frameLocator('#stage [data-testid="agent-mirror"]');
    const shownCount = await mirror.locator("#count").textContent();
    const mirrors = await page.evaluate(() => window.__replayProbe.mirrors);
    const message = await page.getByTestId("supervisor-message").textContent();
    return {
      ms,
      status: await status.textContent(),
      time: await page.getByTestId("player-time").textContent(),
      timeline: await page.getByTestId("player-timeline").evaluate((bar) => bar.value),
      mirrors,
      shownCount,
      finalCount,
      errors: [...errors, ...(message ? [`message: ${message}`] : [])],
    };
  } finally {
    await context.close();
  }
}
