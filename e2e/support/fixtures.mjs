// Customer sites for tests and benchmarks: a static server on loopback, on another origin than
// Duet (as in production), and the script tag a site puts on its pages.

import { createServer } from "node:http";

/** A static server on loopback: the customer's site, another origin than Duet's, as in production.
 * (A page fulfilled by a Playwright route is not in the local address space, so Chromium's local
 * network access checks would block its WebSocket to 127.0.0.1.) `pages` maps a path to
 * `(url, request) => html` (or `(url, request) => ({ status, type, body, headers })`), or to
 * `{ type, body, headers }` for other content. */
export async function startFixtureServer(pages) {
  const server = createServer((request, response) => {
    const url = new URL(request.url, "http://127.0.0.1");
    const page = pages[url.pathname];
    if (page === undefined) {
      response.writeHead(404).end("no such fixture");
      return;
    }
    const answer = typeof page === "function" ? page(url, request) : page;
    const made = typeof answer === "string" ? { type: "text/html; charset=utf-8", body: answer } : answer;
    const headers = { "Content-Type": made.type, "Cache-Control": "no-store", ...made.headers };
    response.writeHead(made.status ?? 200, headers).end(made.body);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  // A browser keeps idle connections open; without closing them, close() waits for them.
  const stop = () => new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  });
  return { origin, stop };
}

/** The script tag that loads Duet's customer script without its floating button. */
export function sdkTag(base, conversation) {
  return `<script src="${base}/sdk.js" data-conversation="${conversation}" data-duet-button="off"></script>`;
}
