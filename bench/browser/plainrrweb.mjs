// The plain-rrweb side of the constrained-link comparison: a trivial receiver on loopback. It
// serves the agent's page (`/agent.html`, @rrweb/replay 2.1.6 unpatched, bundled with esbuild)
// and relays over WebSockets (`/ws?role=customer|agent`): when an agent connects, it asks the
// customer's page for a snapshot ("snapshot"); the page's one JSON message of rrweb events goes
// to the agent as it came, and the agent's page replays it. A minimal WebSocket server (RFC 6455
// text frames, no extensions: the JSON travels uncompressed, as plain rrweb sends it).

import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { scriptBundle } from "./tab.mjs";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** The largest message the receiver takes from the customer. */
const MAX_MESSAGE_BYTES = 64 << 20;

/** Bundles @rrweb/replay as `window.rrwebReplayer`. */
function replayBundle() {
  return scriptBundle('import { Replayer } from "@rrweb/replay"; window.rrwebReplayer = Replayer;');
}

/** The agent's page: joins when told (`window.join(siteOrigin, linkedSiteOrigin)`), then
 * replays the customer's events in `#mirror`. The site's origin in the events is replaced by
 * its address across the link, so the replay loads the site's font and logo through the link,
 * as a real agent's browser would. */
function agentPage() {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>plain rrweb agent</title>
<script src="/rrweb-replay.js"></script></head><body><div id="mirror"></div>
<script>
  window.join = (site, linkedSite) => {
    const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws?role=agent");
    socket.onmessage = (message) => {
      window.__receivedAt = Date.now();
      const events = JSON.parse(message.data.split(site).join(linkedSite));
      window.__replayer = new window.rrwebReplayer(events, { root: document.getElementById("mirror"), showWarning: false });
      window.__replayer.play();
    };
  };
</script></body></html>`;
}

/** One unmasked server frame (FIN, opcode 1: text) carrying `payload`. */
function textFrame(payload) {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65_536) {
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65_536) {
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Reads a browser's (masked) frames from `socket`; calls `onText(buffer)` per text message. */
function readFrames(socket, onText) {
  let pending = Buffer.alloc(0);
  let message = [];
  socket.on("data", (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const fin = (pending[0] & 0x80) !== 0;
      const opcode = pending[0] & 0x0f;
      let length = pending[1] & 0x7f;
      let at = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        at = 10;
      }
      if (length > MAX_MESSAGE_BYTES) return socket.destroy();
      if (pending.length < at + 4 + length) return;
      const mask = pending.subarray(at, at + 4);
      const payload = Buffer.from(pending.subarray(at + 4, at + 4 + length));
      for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i & 3];
      pending = pending.subarray(at + 4 + length);
      if (opcode === 8) return socket.end();
      if (opcode === 1 || opcode === 0) message.push(payload);
      if (fin && (opcode === 1 || opcode === 0)) {
        onText(Buffer.concat(message));
        message = [];
      }
    }
  });
}

/** Starts the receiver on loopback. Resolves with its origin, `bytesToAgent()` and stop(). */
export async function startPlainReceiver() {
  const script = await replayBundle();
  const sockets = new Set();
  let customer = null;
  let agent = null;
  let bytesToAgent = 0;
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    if (path === "/agent.html") return response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(agentPage());
    if (path === "/rrweb-replay.js") return response.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-store" }).end(script);
    response.writeHead(404).end();
  });
  server.on("upgrade", (request, socket) => {
    const role = new URL(request.url, "http://127.0.0.1").searchParams.get("role");
    const accept = createHash("sha1").update(`${request.headers["sec-websocket-key"]}${WS_GUID}`).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => sockets.delete(socket));
    if (role === "customer") {
      customer = socket;
      readFrames(socket, (text) => {
        bytesToAgent += text.length;
        agent?.write(textFrame(text));
      });
    } else {
      agent = socket;
      readFrames(socket, () => {});
      customer?.write(textFrame(Buffer.from("snapshot")));
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const stop = () =>
    new Promise((done) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => done());
      server.closeAllConnections();
    });
  return { port: server.address().port, origin: `http://127.0.0.1:${server.address().port}`, bytesToAgent: () => bytesToAgent, stop };
}
