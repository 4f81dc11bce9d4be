// Shared pieces of the browser benchmarks: which binary, the server, fixture pages on the
// server's own origin (served by Playwright routes), the customer and agent sides, statistics.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { joinByCode, launchBrowser, newConversation, openAgent, startDuet, waitUntil } from "../../e2e/support/duet.mjs";

export { launchBrowser, newConversation, waitUntil };
export { sdkTag, startFixtureServer } from "../../e2e/support/fixtures.mjs";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The duet binary: DUET_BIN, else release when built, else debug. */
export function duetBinary() {
  const given = process.env.DUET_BIN;
  if (given) return { path: given, kind: `DUET_BIN, ${/\/release\//.test(given) ? "release" : /\/debug\//.test(given) ? "debug" : "unknown"}` };
  const release = join(ROOT, "target", "release", "duet");
  if (existsSync(release)) return { path: release, kind: "release" };
  return { path: join(ROOT, "target", "debug", "duet"), kind: "debug" };
}

/** Starts `duet serve` on loopback with quiet logs (debug logs per frame would skew timings),
 * allowing co-browse from the fixture server's origin. */
export async function startServer(fixtureOrigin, env = {}) {
  const bin = duetBinary();
  const set = { DUET_BIN: bin.path, RUST_LOG: process.env.RUST_LOG ?? "info", DUET_ALLOWED_ORIGINS: fixtureOrigin, ...env };
  const saved = Object.fromEntries(Object.keys(set).map((key) => [key, process.env[key]]));
  Object.assign(process.env, set);
  try {
    return { ...(await startDuet()), bin };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Starts co-browse from the page's own API; returns the nine-digit code. */
export async function startCobrowse(page, conversation) {
  await waitUntil("window.Duet", () => page.evaluate(() => window.Duet !== undefined));
  const started = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  return started.sessionId;
}

/** Opens the agent desktop, joins `code`, and returns the agent with its console frame. */
export async function joinAgent(browser, base, conversation, code) {
  const agent = await openAgent(browser, base, conversation);
  await joinByCode(agent, code);
  const frame = await waitUntil("the console frame", () => agent.page.frames().find((f) => f.url().includes("/console")));
  return { ...agent, frame };
}

/** Waits until the mirror iframe in the console holds an element matching `selector`. */
export async function waitForMirror(agent, selector, timeoutMs) {
  await waitUntil(
    `${selector} in the mirror`,
    () =>
      agent.frame.evaluate((sel) => {
        const doc = document.querySelector('[data-testid="agent-mirror"]')?.contentDocument;
        return doc?.querySelector(sel) != null;
      }, selector),
    timeoutMs,
  );
}

/** p50/p95/p99/max/mean of a list of numbers (nearest-rank percentiles). */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const round = (x) => Math.round(x * 10) / 10;
  if (sorted.length === 0) return { n: 0 };
  return {
    n: sorted.length,
    min: round(sorted[0]),
    p50: round(rank(50)),
    p95: round(rank(95)),
    p99: round(rank(99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
