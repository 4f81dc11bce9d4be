// A customer client that skips Duet's script and sends whatever events it likes over its own
// socket: what an attacker who controls the customer's side can make the agent's mirror apply.

/** A hostile customer: a raw WebSocket in a page of Duet's origin with a real session, which
 * answers the agent's snapshot request with whatever it is told to send. */
export async function forgedCustomer(browser, base, conversation) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  const code = await page.evaluate(async ({ conversation, url }) => {
    const response = await fetch("/api/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ conversationId: conversation }) });
    const started = await response.json();
    window.__snapshotAsked = false;
    const ws = new WebSocket(url);
    window.__ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: started.token }));
    ws.onmessage = (event) => {
      if (typeof event.data === "string" && JSON.parse(event.data).type === "snapshot_needed") window.__snapshotAsked = true;
    };
    return started.sessionId;
  }, { conversation, url: `${base.replace(/^http/, "ws")}/api/ws` });
  return {
    conversation,
    code,
    snapshotAsked: () => page.evaluate(() => window.__snapshotAsked),
    send: (message) => page.evaluate((text) => window.__ws.send(text), JSON.stringify(message)),
  };
}
