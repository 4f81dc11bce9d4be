// A plain TCP relay (no delay, no pacing): the hops of the netem link (linknetem.mjs) between
// loopback and the link's network namespace. Imported, `startRelay` opens one; run as a script
// (`node linkrelay.mjs LISTEN_HOST TARGET_HOST:PORT LIFETIME_MS`, inside the namespace) it opens
// one, prints its port, and exits after its lifetime or when its parent closes stdin.

import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** Relays each connection to `listenHost`:(free port) to `target()` ({ host, port }, read per
 * connection, null refuses). Resolves with { port, stop }. */
export async function startRelay(listenHost, target) {
  const sockets = new Set();
  const server = createServer({ allowHalfOpen: true }, (near) => {
    const to = target();
    if (to === null) return near.destroy();
    const far = connect({ ...to, allowHalfOpen: true });
    for (const socket of [near, far]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.once("close", () => sockets.delete(socket));
      socket.on("error", () => {
        near.destroy();
        far.destroy();
      });
    }
    near.pipe(far);
    far.pipe(near);
  });
  await new Promise((done) => server.listen(0, listenHost, done));
  const stop = () =>
    new Promise((done) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => done());
    });
  return { port: server.address().port, stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [listenHost, targetAddress, lifetimeMs] = process.argv.slice(2);
  const [host, port] = targetAddress.split(":");
  const relay = await startRelay(listenHost, () => ({ host, port: Number(port) }));
  console.log(`port ${relay.port}`);
  const end = () => relay.stop().then(() => process.exit(0));
  setTimeout(end, Number(lifetimeMs)).unref();
  process.stdin.on("end", end).on("close", end).resume();
}
