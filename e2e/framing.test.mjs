// Who may frame the agent's console, in Chromium: a page on an origin that is no registered
// Dynamics org cannot get a working console into a frame, whatever `parent` it names.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { WAIT_MS, useDuet, waitUntil } from "./support/duet.mjs";
import { startFixtureServer } from "./support/fixtures.mjs";

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

const attacker = await startFixtureServer({
  "/names-itself.html": (url) => framing(url, true),
  "/names-nobody.html": (url) => framing(url, false),
});
after(() => attacker.stop());

/** A page that frames Duet's console, naming its own origin as the parent or naming none. */
function framing(url, namesItself) {
  const base = url.searchParams.get("duet");
  const parent = namesItself ? `&parent=${encodeURIComponent(attacker.origin)}` : "";
  return `<!DOCTYPE html><title>not an org</title>
<iframe data-testid="framed" src="${base}/console?mode=cobrowse&conversation=c1${parent}" width="900" height="500"></iframe>`;
}

async function framedConsole(path) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${attacker.origin}${path}?duet=${encodeURIComponent(duet.base)}`);
  return { page, frame: page.frameLocator('[data-testid="framed"]') };
}

test("a page on an unregistered origin that names itself the parent gets a refusal, not a console", async () => {
  const { frame } = await framedConsole("/names-itself.html");
  const refusal = frame.getByTestId("agent-unregistered-parent");
  await refusal.waitFor({ state: "visible", timeout: WAIT_MS });
  assert.match((await refusal.textContent()) ?? "", /not one/);
  assert.equal(await frame.getByTestId("agent-join").count(), 0, "a console was framed");
});

test("a page on an unregistered origin that names no parent cannot frame the console at all", async () => {
  const { page } = await framedConsole("/names-nobody.html");
  // Chromium blocks the framed document (frame-ancestors 'self'): the frame never holds Duet's page.
  await waitUntil("the frame to settle", async () => page.frames().length === 2);
  await new Promise((done) => setTimeout(done, 1_000));
  const framed = page.frames().find((f) => f !== page.mainFrame());
  const joinButtons = await framed.locator('[data-testid="agent-join"]').count().catch(() => 0);
  assert.equal(joinButtons, 0, "the console rendered inside a foreign page");
});
