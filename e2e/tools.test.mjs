// The agent's tools in pointer mode, in Chromium (issue #18): a highlight outlines the element the
// agent clicked in the mirror on the customer's page, a drawn stroke appears in the customer's
// overlay where the agent drew it (before the mouse is released), the laser leaves a trail that
// goes by itself, pinned annotations outlast the fade, the agent sees their own annotations over
// the mirror, the mirror's 100 % zoom keeps every coordinate right, Clear removes everything, and
// none of it comes back to the agent as page content.

import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, joinByCode, newConversation, openAgent, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

const OVERLAY = '[data-testid="cobrowse-annotations"]';

/** A customer and an agent in one session, the mirror showing the shop; `sent` collects the
 * times (ms) the agent's console sent an `annotate` message. */
async function joined({ sent = [] } = {}) {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  agent.page.on("websocket", (socket) =>
    socket.on("framesent", ({ payload }) => {
      if (typeof payload === "string" && payload.includes('"type":"annotate"')) sent.push(Date.now());
    }),
  );
  await joinByCode(agent, customer.code);
  const frame = agent.page.frameLocator('[data-testid="host-apptab"]').frameLocator("#duet-console").locator('[data-testid="agent-mirror"]');
  await agent.mirror.locator('[data-testid="product-list"]').waitFor({ timeout: WAIT_MS });
  return { customer, agent, frame };
}

/** Where the mirror shows the customer's element `testid`: its centre on the agent's page. */
async function inMirror(agent, frame, testid) {
  const mirror = await frame.boundingBox();
  const box = await agent.mirror.locator(`[data-testid="${testid}"]`).boundingBox();
  assert.ok(mirror !== null && box !== null);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const drawn = (page) => page.locator(`${OVERLAY} > *`).count();

/** Draws a stroke with the Draw tool from the product list's centre in the mirror, ten steps of
 * `step` pixels; returns where it started on the agent's page. */
async function drawStroke(agent, frame, step) {
  await agent.consoleFrame.getByTestId("agent-tool-draw").click();
  const start = await inMirror(agent, frame, "product-list");
  await agent.page.mouse.move(start.x, start.y);
  await agent.page.mouse.down();
  for (let n = 1; n <= 10; n += 1) await agent.page.mouse.move(start.x + n * step.x, start.y + n * step.y);
  await agent.page.mouse.up();
  return start;
}
const OWN = '[data-testid="agent-annotations"]';
const ownDrawn = (agent) => agent.consoleFrame.locator(`${OWN} > *`).count();
const noPageContent = async (agent) =>
  assert.equal(await agent.mirror.locator("[data-annotation]").count(), 0, "none of it comes back as page content");

/** Clears with the toolbar and waits until neither the customer's page nor the mirror shows anything. */
async function clearBothSides(customer, agent) {
  await agent.consoleFrame.getByTestId("agent-tool-clear").click();
  await waitUntil("both sides empty", async () => (await drawn(customer.page)) === 0 && (await ownDrawn(agent)) === 0, 2_000);
  await noPageContent(agent);
}

/** The points of the customer's first polyline matching `selector`, as [[x, y], …]. */
const polyline = (page, selector) =>
  page.evaluate((sel) => {
    const line = document.querySelector(sel);
    return line === null ? [] : line.getAttribute("points").split(" ").filter(Boolean).map((pair) => pair.split(",").map(Number));
  }, selector);

/** Where `testid` is on the customer's page, in document pixels (its centre). */
const documentCentre = (page, testid) =>
  page.evaluate((id) => {
    const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
    return { x: r.left + scrollX + r.width / 2, y: r.top + scrollY + r.height / 2 };
  }, testid);

test("a highlight outlines the element the agent clicked on the customer's page, then fades", async () => {
  const { customer, agent, frame } = await joined();
  await agent.consoleFrame.getByTestId("agent-tool-highlight").click();
  const target = await inMirror(agent, frame, "shop-js-link");
  await agent.page.mouse.click(target.x, target.y);
  await waitUntil("the highlight on the customer's page", async () => (await drawn(customer.page)) === 1);
  const [outline, element] = await customer.page.evaluate(() => {
    const box = (node) => {
      const r = node.getBoundingClientRect();
      return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
    };
    return [box(document.querySelector('[data-testid="cobrowse-annotations"] > *')), box(document.querySelector('[data-testid="shop-js-link"]'))];
  });
  assert.ok(Math.abs(outline.x + 4 - element.x) <= 1 && Math.abs(outline.y + 4 - element.y) <= 1, JSON.stringify({ outline, element }));
  assert.ok(Math.abs(outline.w - 8 - element.w) <= 1, "the outline surrounds the element");
  assert.equal(await agent.mirror.locator("[data-annotation]").count(), 0, "none of it comes back as page content");
  await waitUntil("the highlight to fade", async () => (await drawn(customer.page)) === 0, 12_000);
});

test("a stroke appears where the agent drew it and fades, and Clear removes everything at once", async () => {
  const { customer, agent, frame } = await joined();
  const start = await drawStroke(agent, frame, { x: 5, y: 2 });
  await waitUntil("the stroke on the customer's page", async () => (await drawn(customer.page)) === 1);
  const [first, centre] = await customer.page.evaluate(() => {
    const line = document.querySelector('[data-testid="cobrowse-annotations"] polyline');
    const [x, y] = line.getAttribute("points").split(" ")[0].split(",").map(Number);
    const r = document.querySelector('[data-testid="product-list"]').getBoundingClientRect();
    return [{ x, y }, { x: r.left + scrollX + r.width / 2, y: r.top + scrollY + r.height / 2 }];
  });
  assert.ok(Math.abs(first.x - centre.x) <= 3 && Math.abs(first.y - centre.y) <= 3, JSON.stringify({ first, centre }));
  await waitUntil("the stroke to fade", async () => (await drawn(customer.page)) === 0, 12_000);

  // Draw is still the tool: a second stroke, then a highlight beside it.
  await agent.page.mouse.move(start.x, start.y);
  await agent.page.mouse.down();
  await agent.page.mouse.move(start.x + 30, start.y + 12);
  await agent.page.mouse.up();
  await agent.consoleFrame.getByTestId("agent-tool-highlight").click();
  await agent.page.mouse.click(start.x, start.y);
  await waitUntil("both on the customer's page", async () => (await drawn(customer.page)) === 2);
  await agent.consoleFrame.getByTestId("agent-tool-clear").click();
  await waitUntil("everything cleared", async () => (await drawn(customer.page)) === 0, 2_000);
});

test("the customer hides what the agent shows, and shows it again", async () => {
  const { customer, agent, frame } = await joined();
  await agent.consoleFrame.getByTestId("agent-tool-highlight").click();
  const target = await inMirror(agent, frame, "shop-js-link");
  await agent.page.mouse.click(target.x, target.y);
  await waitUntil("the highlight on the customer's page", async () => (await drawn(customer.page)) === 1);
  const toggle = customer.page.getByTestId("cobrowse-annotations-toggle");
  await toggle.click();
  assert.ok(await customer.page.locator(OVERLAY).isHidden());
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  await toggle.click();
  assert.ok(await customer.page.locator(`${OVERLAY} > *`).isVisible());
});

test("a highlight of an element the customer sees only the edge of scrolls it into view", async () => {
  const { customer, agent } = await joined();
  const edge = await customer.page.evaluate(() => {
    const box = document.querySelector('[data-testid="checkout-submit"]').getBoundingClientRect();
    window.scrollBy(0, box.top - innerHeight + 12);
    return document.querySelector('[data-testid="checkout-submit"]').getBoundingClientRect().top;
  });
  assert.ok(edge > 700, `only the button's top edge shows (${edge})`);
  const button = agent.mirror.locator('[data-testid="checkout-submit"]');
  const mirror = agent.page.frameLocator('[data-testid="host-apptab"]').frameLocator("#duet-console").locator('[data-testid="agent-mirror"]');
  const bottom = async () => {
    const m = await mirror.boundingBox();
    return m.y + m.height;
  };
  await waitUntil("the mirror to follow the customer's scroll", async () => {
    const box = await button.boundingBox();
    return box !== null && box.y < (await bottom()) && box.y > (await bottom()) - 40;
  });
  await agent.consoleFrame.getByTestId("agent-tool-highlight").click();
  const box = await button.boundingBox();
  await agent.page.mouse.click(box.x + box.width / 2, box.y + 3);
  await waitUntil("the button scrolled into the customer's view", async () =>
    customer.page.evaluate(() => {
      const r = document.querySelector('[data-testid="checkout-submit"]').getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight;
    }),
  );
});

test("the laser leaves a short trail on the customer's page that goes away by itself", async () => {
  const { customer, agent, frame } = await joined();
  await agent.consoleFrame.getByTestId("agent-tool-laser").click();
  assert.equal(await agent.consoleFrame.getByTestId("agent-tool-laser").getAttribute("aria-pressed"), "true");
  const start = await inMirror(agent, frame, "product-list");
  for (let step = 0; step <= 12; step += 1) {
    await agent.page.mouse.move(start.x + step * 6, start.y + step * 3);
    await new Promise((done) => setTimeout(done, 20));
  }
  const LASER = `${OVERLAY} > [data-annotation="laser"]`;
  await waitUntil("the laser trail on the customer's page", async () => (await polyline(customer.page, `${LASER} polyline`)).length >= 3);
  assert.equal(await drawn(customer.page), 1, "the trail is one element");
  const [first] = await polyline(customer.page, `${LASER} polyline`);
  const centre = await documentCentre(customer.page, "product-list");
  assert.ok(Math.abs(first[0] - centre.x) <= 20 && Math.abs(first[1] - centre.y) <= 20, JSON.stringify({ first, centre }));
  const toggle = customer.page.getByTestId("cobrowse-annotations-toggle");
  await toggle.click();
  assert.ok(await customer.page.locator(LASER).isHidden(), "the customer's toggle hides the trail too");
  await toggle.click();
  await noPageContent(agent);
  await waitUntil("the trail to go by itself", async () => (await drawn(customer.page)) === 0, 3_000);
});


test("a stroke reaches the customer while the agent is still drawing, one message a frame at most", async () => {
  const sent = [];
  const { customer, agent, frame } = await joined({ sent });
  await agent.consoleFrame.getByTestId("agent-tool-draw").click();
  const start = await inMirror(agent, frame, "product-list");
  await agent.page.mouse.move(start.x, start.y);
  await agent.page.mouse.down();
  // A fast mouse (about 250 moves a second, faster than Playwright can move it), for 1.5 s.
  await agent.consoleFrame.locator(".mirror-overlay").evaluate(
    (overlay) =>
      new Promise((done) => {
        const frame = document.querySelector('[data-testid="agent-mirror"]');
        const box = frame.getBoundingClientRect();
        const scale = box.width / frame.contentWindow.innerWidth;
        const list = frame.contentDocument.querySelector('[data-testid="product-list"]').getBoundingClientRect();
        const [x0, y0] = [box.left + (list.left + list.width / 2) * scale, box.top + (list.top + list.height / 2) * scale];
        const began = performance.now();
        const timer = setInterval(() => {
          const t = performance.now() - began;
          if (t > 1_500) return done(clearInterval(timer));
          overlay.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: x0 + t / 20, clientY: y0 + Math.sin(t / 100) * 20 }));
        }, 4);
      }),
  );
  const points = () => polyline(customer.page, `${OVERLAY} polyline`);
  await waitUntil("the stroke on the customer's page before the mouse is released", async () => (await points()).length >= 50);
  assert.equal(await drawn(customer.page), 1, "one stroke, growing");
  const [first] = await points();
  const centre = await documentCentre(customer.page, "product-list");
  assert.ok(Math.abs(first[0] - centre.x) <= 3 && Math.abs(first[1] - centre.y) <= 3, JSON.stringify({ first, centre }));
  const seconds = (sent.at(-1) - sent[0]) / 1000;
  const perSecond = (sent.length - 1) / seconds;
  console.log(`# the console sent ${sent.length} annotate messages in ${seconds.toFixed(2)} s of drawing: ${perSecond.toFixed(1)} a second`);
  assert.ok(perSecond <= 84, `at most one message a frame, and never two within 12 ms (${perSecond.toFixed(1)} a second)`);
  await agent.page.mouse.up();
  const drawnPoints = (await points()).length;
  assert.ok(drawnPoints > 20, `the whole stroke arrives (${drawnPoints} points)`);
  await noPageContent(agent);
});

test("the agent sees their own stroke over the mirror where they drew it, and Clear empties both sides", async () => {
  const { customer, agent, frame } = await joined();
  const start = await drawStroke(agent, frame, { x: 8, y: 4 });
  await waitUntil("the stroke on both sides", async () => (await drawn(customer.page)) === 1 && (await ownDrawn(agent)) === 1);
  const box = await agent.consoleFrame.locator(`${OWN} polyline`).boundingBox();
  assert.ok(Math.abs(box.x - start.x) <= 4 && Math.abs(box.y - start.y) <= 4, JSON.stringify({ box, start }));
  assert.ok(Math.abs(box.x + box.width - (start.x + 80)) <= 4, "the agent's line ends where the mouse did");
  await clearBothSides(customer, agent);
});

test("a pinned annotation outlasts the fade on both sides while an unpinned one goes, and Clear removes it", async () => {
  const { customer, agent, frame } = await joined();
  const pin = agent.consoleFrame.getByTestId("agent-tool-pin");
  await agent.consoleFrame.getByTestId("agent-tool-highlight").click();
  await pin.click();
  assert.equal(await pin.getAttribute("aria-pressed"), "true");
  const link = await inMirror(agent, frame, "shop-js-link");
  await agent.page.mouse.click(link.x, link.y);
  await pin.click();
  const list = await inMirror(agent, frame, "product-list");
  await agent.page.mouse.click(list.x, list.y);
  await waitUntil("both highlights on both sides", async () => (await drawn(customer.page)) === 2 && (await ownDrawn(agent)) === 2);
  await new Promise((done) => setTimeout(done, 7_200));
  assert.equal(await drawn(customer.page), 1, "only the pinned highlight is left on the customer's page");
  assert.equal(await ownDrawn(agent), 1, "and over the agent's mirror");
  const left = await customer.page.evaluate(() => {
    const r = document.querySelector('[data-testid="cobrowse-annotations"] > *').getBoundingClientRect();
    const l = document.querySelector('[data-testid="shop-js-link"]').getBoundingClientRect();
    return Math.abs(r.left + 4 - l.left) <= 1 && Math.abs(r.top + 4 - l.top) <= 1;
  });
  assert.ok(left, "the pinned one is the link's");
  await clearBothSides(customer, agent);
});

test("at 100 % the stage scrolls and a highlight still picks the element under the mouse", async () => {
  const { customer, agent, frame } = await joined();
  const label = agent.consoleFrame.getByTestId("mirror-viewport");
  await waitUntil("the fitted label", async () => /^Customer's window 1280 × 800 · fit \d+ %$/.test(await label.textContent()));
  await agent.consoleFrame.getByTestId("mirror-zoom").click();
  await waitUntil("the 100 % label", async () => (await label.textContent()) === "Customer's window 1280 × 800 · 100 %");
  assert.equal(await agent.consoleFrame.getByTestId("mirror-zoom").getAttribute("aria-pressed"), "true");
  const mirror = await frame.boundingBox();
  assert.ok(Math.abs(mirror.width - 1280) <= 1, `the mirror at its real size (${mirror.width})`);
  // Scroll the stage both ways, so the link (at the page's top right) is in its middle.
  const stage = agent.consoleFrame.locator("#stage");
  const seen = await stage.boundingBox();
  const before = await inMirror(agent, frame, "shop-js-link");
  const scrolled = await stage.evaluate((el, left) => {
    el.scrollTo(left, 10);
    return { x: el.scrollLeft, y: el.scrollTop, wide: el.scrollWidth > el.clientWidth };
  }, before.x - seen.x - seen.width / 2);
  assert.ok(scrolled.wide && scrolled.x > 0 && scrolled.y > 0, `the stage scrolls (${JSON.stringify(scrolled)})`);
  await agent.consoleFrame.getByTestId("agent-tool-highlight").click();
  const target = await inMirror(agent, frame, "shop-js-link");
  await agent.page.mouse.click(target.x, target.y);
  await waitUntil("the highlight on the customer's page", async () => (await drawn(customer.page)) === 1);
  const [outline, element] = await customer.page.evaluate(() =>
    [document.querySelector('[data-testid="cobrowse-annotations"] > *'), document.querySelector('[data-testid="shop-js-link"]')].map((node) => {
      const r = node.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width, h: r.height };
    }),
  );
  const around = (a, b) => Math.abs(a.x + 4 - b.x) <= 1 && Math.abs(a.y + 4 - b.y) <= 1 && Math.abs(a.w - 8 - b.w) <= 1 && Math.abs(a.h - 8 - b.h) <= 1;
  assert.ok(around(outline, element), `the customer's outline is on the link (${JSON.stringify({ outline, element })})`);
  // The customer's page scrolls the element into view (smoothly), and the mirror after it.
  await new Promise((done) => setTimeout(done, 1_500));
  const own = await agent.consoleFrame.locator(`${OWN} > *`).boundingBox();
  const shown = await agent.mirror.locator('[data-testid="shop-js-link"]').boundingBox();
  const [a, b] = [own, shown].map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height }));
  assert.ok(around(a, b), `the agent's outline is on the link in the mirror (${JSON.stringify({ own, shown })})`);
  await noPageContent(agent);
});
