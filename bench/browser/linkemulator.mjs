// The constrained link in userspace, for kernels without `tc netem`: TCP proxies on loopback
// between the agent's browser and what it reaches (Duet, the plain-rrweb receiver, the
// customer's site), which delay every byte by a one-way delay in each direction and pace bytes
// at a rate per direction. Every proxy of one link shares its two directions (agent to server,
// server to agent), as one access link would: a token bucket per direction, one piece
// (PIECE_BYTES) deep, so a piece leaves when the bytes before it have left at the link's rate,
// and arrives the one-way delay later, in order; a new connection's first bytes wait a round trip
// (the handshake the proxy does not make them wait for). Memory is bounded: a direction holding more
// than QUEUE_HIGH_BYTES stops reading from its sockets (TCP flow control then holds the sender
// back) until it drains below QUEUE_LOW_BYTES. The link closes itself after its lifetime.

import { createServer, connect } from "node:net";

/** A piece of a chunk paced on its own, so a large read does not leave in one burst. */
const PIECE_BYTES = 8 * 1024;
/** Bytes queued in one direction before its sockets stop being read, and when they resume. */
const QUEUE_HIGH_BYTES = 512 * 1024;
const QUEUE_LOW_BYTES = 128 * 1024;
/** The link closes itself this long after it opened, whatever the bench does. */
const DEFAULT_LIFETIME_MS = 30 * 60_000;

/** One direction of the link: a FIFO of pieces, each with the time it arrives at the far end. */
class Direction {
  constructor(bytesPerSecond, delayMs) {
    this.bytesPerMs = bytesPerSecond / 1000;
    this.delayMs = delayMs;
    this.queue = [];
    this.queuedBytes = 0;
    this.sentBytes = 0;
    this.lastDepartureAt = 0;
    this.timer = null;
    this.paused = new Set();
    this.closed = false;
  }

  /** Queues `chunk` from `source` for `sink` (pieces), or the end of the stream (chunk null),
   * leaving no earlier than `notBefore` (a new connection's handshake). */
  push(source, sink, chunk, notBefore = 0) {
    if (this.closed) return;
    const now = Math.max(performance.now(), notBefore);
    if (chunk === null) {
      this.#enqueue({ sink, piece: null, arrivesAt: Math.max(now, this.lastDepartureAt) + this.delayMs });
      return;
    }
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + PIECE_BYTES));
      const departsAt = Math.max(now, this.lastDepartureAt) + piece.length / this.bytesPerMs;
      this.lastDepartureAt = departsAt;
      this.queuedBytes += piece.length;
      this.#enqueue({ sink, piece, arrivesAt: departsAt + this.delayMs });
    }
    if (this.queuedBytes > QUEUE_HIGH_BYTES && !this.paused.has(source)) {
      source.pause();
      this.paused.add(source);
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue = [];
    this.queuedBytes = 0;
  }

  #enqueue(item) {
    this.queue.push(item);
    if (this.timer === null) this.#arm();
  }

  #arm() {
    const next = this.queue[0];
    if (next === undefined || this.closed) {
      this.timer = null;
      return;
    }
    this.timer = setTimeout(() => this.#deliver(), Math.max(0, next.arrivesAt - performance.now()));
  }

  #deliver() {
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].arrivesAt <= now + 0.5) {
      const { sink, piece } = this.queue.shift();
      if (piece === null) {
        if (!sink.destroyed) sink.end();
        continue;
      }
      this.queuedBytes -= piece.length;
      this.sentBytes += piece.length;
      if (!sink.destroyed) sink.write(piece);
    }
    if (this.queuedBytes < QUEUE_LOW_BYTES && this.paused.size > 0) {
      for (const source of this.paused) if (!source.destroyed) source.resume();
      this.paused.clear();
    }
    this.#arm();
  }
}

/** A userspace link of `rateBitsPerSecond` and `oneWayDelayMs` each way. `expose()` opens a
 * loopback port that crosses the link to a target port set later (`connectTo`). */
export function openEmulatedLink({ rateBitsPerSecond, oneWayDelayMs, lifetimeMs = DEFAULT_LIFETIME_MS }) {
  const up = new Direction(rateBitsPerSecond / 8, oneWayDelayMs);
  const down = new Direction(rateBitsPerSecond / 8, oneWayDelayMs);
  const servers = [];
  const sockets = new Set();
  const track = (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  async function expose() {
    let targetPort = null;
    // Half-open: an end travels the link behind the bytes before it, in each direction.
    const server = createServer({ allowHalfOpen: true }, (agentSide) => {
      track(agentSide);
      if (targetPort === null) {
        agentSide.destroy();
        return;
      }
      agentSide.setNoDelay(true);
      const serverSide = connect({ host: "127.0.0.1", port: targetPort, allowHalfOpen: true });
      track(serverSide);
      serverSide.setNoDelay(true);
      // The proxy accepts at once; a real link's handshake costs a round trip before any byte.
      const handshakeDone = performance.now() + 2 * oneWayDelayMs;
      agentSide.on("data", (chunk) => up.push(agentSide, serverSide, chunk, handshakeDone));
      serverSide.on("data", (chunk) => down.push(serverSide, agentSide, chunk));
      agentSide.on("end", () => up.push(agentSide, serverSide, null, handshakeDone));
      serverSide.on("end", () => down.push(serverSide, agentSide, null));
      const fail = () => {
        agentSide.destroy();
        serverSide.destroy();
      };
      agentSide.on("error", fail);
      serverSide.on("error", fail);
    });
    servers.push(server);
    await new Promise((done) => server.listen(0, "127.0.0.1", done));
    return { origin: `http://127.0.0.1:${server.address().port}`, connectTo: (port) => (targetPort = port) };
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(lifetime);
    up.close();
    down.close();
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  };
  const lifetime = setTimeout(stop, lifetimeMs);
  lifetime.unref();
  return {
    kind: `userspace TCP proxy on loopback (Node): ${oneWayDelayMs} ms each way, ${rateBitsPerSecond / 1e6} Mbit/s per direction shared by all the agent's connections`,
    expose,
    bytes: () => ({ agentToServer: up.sentBytes, serverToAgent: down.sentBytes }),
    stop,
  };
}
