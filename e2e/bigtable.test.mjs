// A large server-rendered table reaches the agent: 20,000 rows with whitespace text nodes between
// them (as most server-rendered HTML has), sent in the snapshot's slices or as rrweb mutations.
// rrweb's replayer copied the parent's whole child list for every text node it added, so such a
// table cost the agent's tab the square of its rows and never arrived (webresource/build/
// rrweb-patch.mjs). These tests assert arrival, whole and in order, within a generous bound.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { WAIT_MS, joinByCode, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";

const ROWS = 20_000;
/** Rows the page's script adds per task when it renders the table itself. */
const ROWS_PER_TASK = 1_000;
/** How long the whole table may take to reach the mirror. A few seconds on a quiet 2-core machine
 * with a debug build; the quadratic replayer took minutes and left the agent's tab unanswering. */
const ARRIVAL_MS = 90_000;
/** Longest wait for one answer from a tab, so a tab that stops answering fails the test in time. */
const ANSWER_MS = 5_000;

const site = await startFixtureServer({ "/table.html": (url) => tablePage(url) });
after(() => site.stop());

let duet;
let browser;
useDuet({ env: { DUET_ALLOWED_ORIGINS: site.origin } }, (started) => ({ duet, browser } = started));

test("a 20,000-row server-rendered table with whitespace between its rows reaches the agent's mirror whole, in the snapshot's slices", { timeout: ARRIVAL_MS + 4 * WAIT_MS }, async () => {
  const customer = await openTable("server");
  const agent = await openAgent(browser, duet.base, customer.conversation);
  await joinByCode(agent, customer.code);

  await waitUntil("the last row in the mirror", () => answered(lastRowIn(agent.mirror)), ARRIVAL_MS);
  await mirrorMatches(agent, await tableSignature(customer.page.locator("body")));
});

test("the same table rendered by the page's script after the agent joined reaches the mirror whole, as rrweb mutations", { timeout: ARRIVAL_MS + 4 * WAIT_MS }, async () => {
  const customer = await openTable("script");
  const agent = await openAgent(browser, duet.base, customer.conversation);
  await joinByCode(agent, customer.code);
  await waitUntil("the page in the mirror", () => answered(agent.mirror.locator("#orders").count()));

  await customer.page.evaluate(() => window.render());
  await waitUntil("the page's script to render the table", () => customer.page.evaluate(() => window.rendered === true), ARRIVAL_MS);
  await waitUntil("the last row in the mirror", () => answered(lastRowIn(agent.mirror)), ARRIVAL_MS);
  await mirrorMatches(agent, await tableSignature(customer.page.locator("body")));
});

/** The table page with a started co-browse session. */
async function openTable(rendered) {
  const conversation = newConversation();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${site.origin}/table.html?rendered=${rendered}&duet=${encodeURIComponent(duet.base)}&conversation=${conversation}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  return { page, conversation, code: sessionId };
}

/** `probe`'s answer, or null when the tab has not answered within ANSWER_MS (it is busy). */
function answered(probe) {
  let timer;
  const late = new Promise((done) => (timer = setTimeout(() => done(null), ANSWER_MS)));
  return Promise.race([probe.catch(() => null), late]).finally(() => clearTimeout(timer));
}

/** Whether the mirror has the table's last row. */
async function lastRowIn(mirror) {
  return (await mirror.locator(`#r${ROWS - 1}`).count()) === 1;
}

/** Waits until the mirror's table is the page's (a `tableSignature`), else fails saying how they differ. */
async function mirrorMatches(agent, expected) {
  assert.equal(expected.rows, ROWS, "the page has its rows");
  let seen = null;
  try {
    await waitUntil("the mirror's table to match the page's", async () => {
      seen = await answered(tableSignature(agent.mirror.locator("body")));
      return seen !== null && seen.hash === expected.hash && seen.last === expected.last;
    });
  } catch (error) {
    assert.fail(`${error.message}: the page has ${JSON.stringify(expected)}, the mirror ${JSON.stringify(seen)}`);
  }
}

/** What the agent must see of the table, computed where it is (the page or the mirror): its rows,
 * its child nodes (the whitespace text nodes among them), a hash of its whole markup (order,
 * text and whitespace), and the last row's markup. */
function tableSignature(body) {
  return body.evaluate((element) => {
    const tbody = element.querySelector("tbody");
    const markup = tbody.outerHTML;
    let hash = 0x811c9dc5;
    for (let i = 0; i < markup.length; i += 1) hash = Math.imul(hash ^ markup.charCodeAt(i), 0x01000193) >>> 0;
    const texts = [...tbody.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).length;
    return { rows: tbody.rows.length, childNodes: tbody.childNodes.length, texts, hash, last: tbody.rows[tbody.rows.length - 1]?.outerHTML ?? null };
  });
}

/** The table, each row and cell on its own indented line as a server renders it. `?rendered=server`
 * has the rows in the HTML; `?rendered=script` adds them from `window.render()`, ROWS_PER_TASK
 * rows a task, as markup of the same shape, and sets `window.rendered`. */
function tablePage(url) {
  const row = (i) => `
      <tr id="r${i}">
        <td>${i}</td>
        <td>Customer ${i}</td>
        <td>${((i * 37) % 10_000) / 100}</td>
      </tr>`;
  const rows = [];
  if (url.searchParams.get("rendered") === "server") for (let i = 0; i < ROWS; i += 1) rows.push(row(i));
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>orders</title>
<style>td{padding:1px 4px}</style></head>
<body>
  <h1 id="orders">Orders</h1>
  <table>
    <tbody>${rows.join("")}
    </tbody>
  </table>
  <p id="last">end of page</p>
<script>
  const row = ${row.toString()};
  window.render = () => {
    const tbody = document.querySelector("tbody");
    let next = 0;
    const task = () => {
      const chunk = [];
      for (const end = Math.min(${ROWS}, next + ${ROWS_PER_TASK}); next < end; next += 1) chunk.push(row(next));
      tbody.insertAdjacentHTML("beforeend", chunk.join(""));
      if (next < ${ROWS}) setTimeout(task, 0);
      else window.rendered = true;
    };
    task();
  };
</script>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}</body></html>`;
}
