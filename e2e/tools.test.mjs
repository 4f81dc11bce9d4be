// The agent's tools in pointer mode, in Chromium (issue #18, first part): a highlight outlines
// the element the agent clicked in the mirror on the customer's page, a drawn stroke appears in
// the customer's overlay where the agent drew it, both fade, Clear removes them, and none of it
// comes back to the agent as page content.

import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, joinByCode, newConversation, openAgent, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

const OVERLAY = '[data-testid="cobrowse-annotations"]';

async function joined() {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const agent = await openAgent(browser, duet.base, conversation);
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

test("a stroke appears where the agent drew it, and Clear removes everything at once", async () => {
  const { customer, agent, frame } = await joined();
  await agent.consoleFrame.getByTestId("agent-tool-draw").click();
  const start = await inMirror(agent, frame, "product-list");
  await agent.page.mouse.move(start.x, start.y);
  await agent.page.mouse.down();
  for (let step = 1; step <= 10; step += 1) await agent.page.mouse.move(start.x + step * 5, start.y + step * 2);
  await agent.page.mouse.up();
  await waitUntil("the stroke on the customer's page", async () => (await drawn(customer.page)) === 1);
  const [first, centre] = await customer.page.evaluate(() => {
    const line = document.querySelector('[data-testid="cobrowse-annotations"] polyline');
    const [x, y] = line.getAttribute("points").split(" ")[0].split(",").map(Number);
    const r = document.querySelector('[data-testid="product-list"]').getBoundingClientRect();
    return [{ x, y }, { x: r.left + scrollX + r.width / 2, y: r.top + scrollY + r.height / 2 }];
  });
  assert.ok(Math.abs(first.x - centre.x) <= 3 && Math.abs(first.y - centre.y) <= 3, JSON.stringify({ first, centre }));

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
