// A large page reaches the agent in slices (webresource/src/sdk/slicing.ts): whole, in order and
// masked, even while the page changes between the slices.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { WAIT_MS, joinByCode, joinWithConsent, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { decodeFrames, frameTexts } from "./support/domframes.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";

/** Rows in the big page: eight elements each, about 20,000 elements in all. */
const ROWS = 2_500;
/** How long the page keeps changing once the agent joins. */
const CHURN_MS = 3_000;
const LATE_SECRET = "Late-Secret-Text-91c2";
const LATE_CARD = "4000111122223333";

const site = await startFixtureServer({ "/big.html": (url) => bigPage(url) });
after(() => site.stop());

let duet;
let browser;
useDuet({ env: { DUET_ALLOWED_ORIGINS: site.origin } }, (started) => ({ duet, browser } = started));

test("a 20,000-element page reaches the agent whole and in order while it changes between the snapshot's slices", async () => {
  const { customer, sent } = await openBigPage();
  const agent = await openAgent(browser, duet.base, customer.conversation);
  await customer.page.evaluate((ms) => window.churn(ms), CHURN_MS);
  await joinByCode(agent, customer.code);

  await waitUntil("the page to stop changing", () => customer.page.evaluate(() => window.churnDone === true), CHURN_MS + WAIT_MS);
  const expected = await customer.page.locator("body").evaluate(pageSignature);
  assert.ok(expected.rows > ROWS / 2, "the page still has most of its rows");
  await mirrorMatches(agent, expected);

  const messages = decodeFrames(sent).filter((message) => message.type === "dom");
  const fullAt = messages.findLastIndex((message) => message.full);
  assert.ok(fullAt >= 0, "a full snapshot was sent");
  assert.ok(!JSON.stringify(messages[fullAt].events).includes("end of page"), "the full snapshot held the whole page: it was not sliced");
  assert.ok(messages.slice(fullAt + 1).some((message) => JSON.stringify(message.events).includes("end of page")), "a later slice sent the page's end");
});

test("masked text and fields at the end of a large page stay masked when a later slice sends them", async () => {
  const { customer, sent } = await openBigPage();
  const agent = await openAgent(browser, duet.base, customer.conversation);
  await joinByCode(agent, customer.code);

  await waitUntil("the page's end in the mirror", () => agent.mirror.locator("#last").count().then((count) => count === 1));
  assert.notEqual(await agent.mirror.locator("#late-secret").textContent(), LATE_SECRET);
  assert.notEqual(await agent.mirror.locator('input[name="late-card"]').inputValue(), LATE_CARD);
  const texts = frameTexts(sent);
  for (const secret of [LATE_SECRET, LATE_CARD]) {
    assert.ok(!texts.some((text) => text.includes(secret)), `a frame the customer sent contains ${secret}`);
  }
});

test("a second agent joining during the slices restarts the snapshot, and both agents end with the whole page", async () => {
  const { customer } = await openBigPage();
  const first = await openAgent(browser, duet.base, customer.conversation, { name: `First ${customer.conversation}` });
  const second = await openAgent(browser, duet.base, customer.conversation, { name: `Second ${customer.conversation}` });
  await joinByCode(first, customer.code);
  await joinWithConsent(second, customer, customer.code);
  await customer.page.locator("#r7 .name").evaluate((span) => {
    span.textContent = "Changed after both joined";
  });

  const expected = await customer.page.locator("body").evaluate(pageSignature);
  for (const agent of [first, second]) await mirrorMatches(agent, expected);
});

/** The big page with a started co-browse session, recording what it sends. */
async function openBigPage() {
  const conversation = newConversation();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const sent = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => sent.push(frame.payload)));
  await page.goto(`${site.origin}/big.html?duet=${encodeURIComponent(duet.base)}&conversation=${conversation}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  return { customer: { page, conversation, code: sessionId }, sent };
}

/** Waits until the agent's mirror shows `expected` (a `pageSignature`); else fails naming the
 * first row that differs. */
async function mirrorMatches(agent, expected) {
  let seen = null;
  try {
    await waitUntil("the mirror to match the page", async () => {
      seen = await agent.mirror.locator("body").evaluate(pageSignature, null, { timeout: 1_000 }).catch(() => null);
      return seen !== null && seen.text === expected.text;
    });
  } catch (error) {
    const [want, got] = [expected.text.split("|"), (seen?.text ?? "").split("|")];
    const at = want.findIndex((row, i) => row !== got[i]);
    assert.fail(`${error.message}: at row ${at} the page has ${want[at]} and the mirror ${got[at]} (${want.length} vs ${got.length} rows)`);
  }
}

/** What the agent must see of the page: each row's id, marker attribute and text, in order, and
 * the extra paragraphs after the table (runs in the page or in the mirror). */
function pageSignature(body) {
  const rows = [...body.querySelectorAll("tbody > tr")];
  const extras = [...body.querySelectorAll("p.extra")].map((p) => p.textContent);
  const text = rows.map((row) => `${row.id}:${row.getAttribute("data-mark") ?? ""}:${row.textContent}`).join("|") + `#${extras.join("|")}`;
  return { rows: rows.length, text };
}

/** About 20,000 elements, a masked paragraph and field at the end, and `window.churn(ms)`: for
 * `ms`, every few milliseconds, rows are inserted, removed, moved, renamed and marked anywhere in
 * the table, and paragraphs appended after it. */
function bigPage(url) {
  const rows = [];
  for (let i = 0; i < ROWS; i += 1) {
    rows.push(`<tr id="r${i}"><td>${i}</td><td><span class="name">Item ${i}</span></td><td><input name="q${i}" value="${i % 10}"></td><td><a href="#r${i}">Open</a></td></tr>`);
  }
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>big</title>
<style>td{padding:1px 4px} input{width:30px}</style></head>
<body><h1>Orders</h1><table><tbody>${rows.join("")}</tbody></table>
<p data-duet-mask id="late-secret">${LATE_SECRET}</p>
<input name="late-card" data-duet-mask value="${LATE_CARD}">
<p id="last">end of page</p>
<script>
  let seed = 7;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  let made = 0;
  const newRow = () => {
    const row = document.createElement("tr");
    row.id = "n" + made;
    row.innerHTML = "<td>new</td><td><span class='name'>New row " + made + "</span></td>";
    made += 1;
    return row;
  };
  window.churn = (ms) => {
    const tbody = document.querySelector("tbody");
    const end = performance.now() + ms;
    const tick = () => {
      const rows = tbody.children;
      const pick = () => rows[random(rows.length)];
      tbody.insertBefore(newRow(), pick());
      pick().remove();
      pick().querySelector(".name")?.replaceChildren("Renamed " + random(1000));
      pick().setAttribute("data-mark", String(random(100)));
      tbody.insertBefore(pick(), pick());
      tbody.append(newRow());
      const extra = document.createElement("p");
      extra.className = "extra";
      extra.textContent = "Extra " + made;
      document.body.append(extra);
      if (performance.now() < end) setTimeout(tick, 4);
      else window.churnDone = true;
    };
    tick();
  };
</script>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}</body></html>`;
}
