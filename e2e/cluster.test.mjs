// Duet as two nodes in real Chromium (#16): the customer's shop on one node and the agent's
// desktop on the other share the page; behind a TCP load balancer, the customer's node is killed
// with SIGKILL and the session carries on through the other node under the same code.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { clusterMissing, startBalancer, startCluster } from "./support/cluster.mjs";
import { joinByCode, launchBrowser, newConversation, openAgent, startCustomer, waitUntil } from "./support/duet.mjs";

let browser;
let missing;

before(async () => {
  missing = await clusterMissing();
  if (missing && process.env.CI) throw new Error(`the cluster tests need PostgreSQL and NATS: ${missing}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function mirrorValue(agent, name) {
  return agent.mirror.locator(`input[name="${name}"]`).inputValue({ timeout: 1_000 });
}

test("a customer on one node and an agent on another see each other's page", async (t) => {
  if (missing) return t.skip(missing);
  const cluster = await startCluster(2);
  try {
    const [a, b] = cluster.nodes;
    const conversation = newConversation();
    const customer = await startCustomer(browser, a.base, conversation);
    const agent = await openAgent(browser, b.base, conversation);
    await joinByCode(agent, customer.code);
    await customer.page.locator('input[name="name"]').fill("Typed on node A");
    await waitUntil("the typed name in the mirror on node B", async () => (await mirrorValue(agent, "name")) === "Typed on node A");
  } finally {
    await cluster.stop();
  }
});

test("the customer's node killed behind the balancer: the session goes on through the other node", async (t) => {
  if (missing) return t.skip(missing);
  const balancer = await startBalancer();
  const cluster = await startCluster(2, { DUET_PUBLIC_URL: balancer.base });
  try {
    balancer.setBackends(cluster.nodes.map((node) => new URL(node.base).host));
    const conversation = newConversation();
    balancer.prefer(0);
    const customer = await startCustomer(browser, balancer.base, conversation);
    balancer.prefer(1);
    const agent = await openAgent(browser, balancer.base, conversation);
    await joinByCode(agent, customer.code);
    const name = customer.page.locator('input[name="name"]');
    await name.fill("Before");
    await waitUntil("the name in the mirror", async () => (await mirrorValue(agent, "name")) === "Before");

    process.kill(cluster.nodes[0].child.pid, "SIGKILL");
    await name.fill("After the node was lost");
    await waitUntil(
      "the name typed after the loss in the mirror",
      async () => (await mirrorValue(agent, "name")) === "After the node was lost",
    );
    const code = await customer.page.getByTestId("cobrowse-code").textContent();
    assert.equal(code?.trim(), customer.code, "the same session, under the same code");
  } finally {
    await cluster.stop();
    await balancer.stop();
  }
});
