// Starts the real `duet serve` on a free port and Chromium through playwright-core.
// DUET_BIN overrides the binary (default target/debug/duet); CHROMIUM the browser (/usr/bin/chromium).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, afterEach, before } from "node:test";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "webresource", "package.json"));
const { chromium } = require("playwright-core");

/** How long the server may take to say where it listens. */
const START_TIMEOUT_MS = 15_000;
/** Longest wait for anything in these tests. */
export const WAIT_MS = 15_000;

const LISTENING = /Duet is listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts Duet (with extra `env` settings) on a data directory of its own, removed at stop(),
 * after running each of `setup` (arguments of other `duet` commands, e.g. `tenant add …`) on it;
 * resolves with its base URL, its captured output, and stop(). */
export function startDuet({ env = {}, setup = [] } = {}) {
  const bin = process.env.DUET_BIN ?? join(root, "target", "debug", "duet");
  const dataDir = mkdtempSync(join(tmpdir(), "duet-e2e-"));
  for (const args of setup) {
    const ran = spawnSync(bin, args, { cwd: root, env: { ...process.env, DUET_DATA_DIR: dataDir, ...env }, encoding: "utf8" });
    if (ran.status !== 0) throw new Error(`duet ${args.join(" ")} failed: ${ran.stdout}${ran.stderr}`);
  }
  const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0"], {
    cwd: root,
    env: {
      ...process.env,
      RUST_LOG: process.env.RUST_LOG ?? "info,duet=debug,tower_http=debug",
      DUET_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  const output = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (chunk) => (output.stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk) => (output.stderr += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    }
    removeData();
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`duet did not print its address within ${START_TIMEOUT_MS} ms:\n${output.stdout}\n${output.stderr}`));
    }, START_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(new Error(`cannot start ${bin} (build it with cargo build, or set DUET_BIN): ${error.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      removeData();
      fail(new Error(`duet exited with ${code} before listening:\n${output.stdout}\n${output.stderr}`));
    });
    child.stdout.on("data", () => {
      const match = LISTENING.exec(output.stdout);
      if (match === null) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      done({ base: match[1], logs: () => output.stdout + output.stderr, stop, dataDir, child });
    });
  });
}

/**
 * Headless Chromium as the tests use it. `screenCapture: true` lets `getDisplayMedia` with
 * `preferCurrentTab` capture the calling tab without a picker (real pixels, `displaySurface: "browser"`).
 */
export function launchBrowser({ screenCapture = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
      ...(screenCapture ? ["--auto-accept-this-tab-capture"] : []),
    ],
  });
}

/** A fresh conversation id, so tests never see each other's sessions. */
export function newConversation() {
  return `conv-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls `probe` until it returns a truthy value; fails with `what` after WAIT_MS. */
export async function waitUntil(what, probe, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Makes `getDisplayMedia` in every frame of `context` prefer the current tab (no picker headless). */
async function preferCurrentTab(context) {
  await context.addInitScript(() => {
    window.__duetPreferCurrentTab = true;
  });
}

/** The customer: the demo shop with a started co-browse session. Returns { page, code }. */
export async function startCustomer(browser, base, conversation, { screenCapture = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (screenCapture) await preferCurrentTab(context);
  const page = await context.newPage();
  await page.goto(`${base}/demo/shop?conversation=${encodeURIComponent(conversation)}`);
  await page.getByTestId("cobrowse-start").click();
  const codeBox = page.getByTestId("cobrowse-code");
  const code = await waitUntil("the session code", async () => {
    const text = (await codeBox.textContent())?.trim() ?? "";
    return /^\d{9}$/.test(text) ? text : null;
  });
  return { page, code };
}

/** The agent: the demo Omnichannel desktop with the Co-browse (or Screen share) app tab open. */
export async function openAgent(browser, base, conversation, { tab = "cobrowse", name = `Agent ${conversation}`, screenCapture = false, signedIn = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (screenCapture) await preferCurrentTab(context);
  if (!signedIn) return openDesktop(context, base, conversation, tab);
  // Each test is its own agent (one live co-browse per agent): sign in by a unique name, as the
  // console would, and hand the console that sign-in in its sessionStorage.
  const response = await fetch(`${base}/api/agent/signin`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`development sign-in failed: ${response.status} ${await response.text()}`);
  const agent = await response.json();
  await context.addInitScript((stored) => {
    if (location.origin === stored.origin) sessionStorage.setItem("duet.agent", stored.value);
  }, { origin: base, value: JSON.stringify(agent) });
  return openDesktop(context, base, conversation, tab);
}

/** The demo Omnichannel desktop in `context`, with the app tab open. */
async function openDesktop(context, base, conversation, tab) {
  const page = await context.newPage();
  await page.goto(`${base}/demo/omnichannel?conversation=${encodeURIComponent(conversation)}`);
  await page.getByTestId(`host-${tab}`).click();
  const consoleFrame = page.frameLocator('[data-testid="host-apptab"]').frameLocator("#duet-console");
  return { page, consoleFrame, mirror: consoleFrame.frameLocator('[data-testid="agent-mirror"]') };
}

/** Joins by code in the console and waits for the host's connected event. */
export async function joinByCode(agent, code) {
  await agent.consoleFrame.getByTestId("agent-code").fill(code, { timeout: WAIT_MS });
  await agent.consoleFrame.getByTestId("agent-join").click({ timeout: WAIT_MS });
  await waitUntil("CobrowseConnectedEvent", async () => (await hostEvents(agent.page)).includes("CobrowseConnectedEvent"));
}

/** Joins a session another agent already holds: the agent asks, the customer allows in their
 * widget, and the agent's console connects. */
export async function joinWithConsent(agent, customer, code) {
  await agent.consoleFrame.getByTestId("agent-code").fill(code, { timeout: WAIT_MS });
  await agent.consoleFrame.getByTestId("agent-join").click({ timeout: WAIT_MS });
  await customer.page.getByTestId("cobrowse-join-allow").click({ timeout: WAIT_MS });
  await waitUntil("CobrowseConnectedEvent", async () => (await hostEvents(agent.page)).includes("CobrowseConnectedEvent"));
}

/** An agent client of its own (hostile, or driven by hand): signed in as `name` and joined to
 * `code` over HTTP, then a raw WebSocket in a page of Duet's origin. Returns the join answer,
 * `raw()` (every frame received: text, or an array of bytes) and `send(message)`. */
export async function rawAgent(browser, base, code, name) {
  const post = async (path, body, token) => {
    const headers = { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  const signedIn = await post("/api/agent/signin", { name });
  const joined = await post(`/api/agent/sessions/${code}/join`, {}, signedIn.token);
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  await page.evaluate(({ url, token }) => {
    window.__frames = [];
    const ws = new WebSocket(url);
    window.__ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token }));
    ws.binaryType = "arraybuffer";
    ws.onmessage = (event) => window.__frames.push(typeof event.data === "string" ? event.data : Array.from(new Uint8Array(event.data)));
  }, { url: `${base.replace(/^http/, "ws")}/api/ws`, token: joined.token });
  const raw = () => page.evaluate(() => window.__frames);
  const send = (message) => page.evaluate((text) => window.__ws.send(text), JSON.stringify(message));
  return { joined, page, raw, send };
}

/** The event names the host page logged, in order. */
export async function hostEvents(page) {
  return page.getByTestId("host-events").locator("li").allTextContents();
}

/** Waits a little and checks that `name` was logged exactly once. */
export async function eventCount(page, name) {
  return (await hostEvents(page)).filter((event) => event === name).length;
}

/**
 * One Duet and one browser for a test file: started before its tests, every browser context
 * closed after each test (the console's pagehide then sends its end beacon), both stopped at the
 * end. `onStarted` receives `{ duet, browser }` so the file can keep plain variables.
 */
export function useDuet({ env = {}, setup = [], screenCapture = false } = {}, onStarted) {
  let started = null;
  before(async () => {
    started = { duet: await startDuet({ env, setup }), browser: await launchBrowser({ screenCapture }) };
    onStarted(started);
  });
  afterEach(async () => {
    await Promise.all(started.browser.contexts().map((context) => context.close()));
  });
  after(async () => {
    await started?.browser?.close();
    await started?.duet?.stop();
  });
}
