// Two Duet nodes on one PostgreSQL database and one NATS server for the Chromium cluster tests,
// and a small TCP load balancer in front of them. The servers are DUET_TEST_POSTGRES_URL and
// DUET_TEST_NATS_URL (scripts/test.sh sets both), else the local ones; without them the tests
// fail under CI and skip otherwise.

import { spawnSync } from "node:child_process";
import { createServer, connect } from "node:net";
import { startDuet } from "./duet.mjs";

const POSTGRES = process.env.DUET_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const NATS = process.env.DUET_TEST_NATS_URL || "nats://127.0.0.1:4222";

/** Why the cluster cannot run here, or null when it can. */
export async function clusterMissing() {
  const { hostname, port } = new URL(NATS.replace(/^nats:/, "http:"));
  const nats = await new Promise((done) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => done(socket.destroy() ?? true));
    socket.on("error", () => done(false));
  });
  if (!nats) return `no NATS server at ${NATS}`;
  const psql = spawnSync("psql", [POSTGRES, "-Atqc", "select 1"], { encoding: "utf8" });
  return psql.status === 0 ? null : `no PostgreSQL at ${POSTGRES} (${(psql.stderr || psql.error?.message || "").trim()})`;
}

/** Starts `count` nodes on a fresh database; `env` is added to each. Returns { nodes, stop }. */
export async function startCluster(count, env = {}) {
  const database = `duet_e2e_${process.pid}_${Date.now().toString(36)}`;
  const made = spawnSync("psql", [POSTGRES, "-Atqc", `CREATE DATABASE ${database}`], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`cannot make a database: ${made.stderr}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${database}`;
  const nodes = [];
  for (let index = 0; index < count; index += 1) {
    nodes.push(
      await startDuet({
        env: { DUET_DATABASE_URL: url.toString(), DUET_BUS_URL: NATS, DUET_NODE_NAME: `e2e-${process.pid}-${index}`, ...env },
      }),
    );
  }
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    spawnSync("psql", [POSTGRES, "-Atqc", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
  };
  return { nodes, stop };
}

/** A TCP balancer on 127.0.0.1: each new connection goes to the preferred backend, or to the
 * next that accepts. `backends` are "host:port" strings, settable after start (`setBackends`). */
export async function startBalancer() {
  let backends = [];
  let preferred = 0;
  const sockets = new Set();
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const attempt = (offset) => {
      if (offset >= backends.length) return client.destroy();
      const [host, port] = backends[(preferred + offset) % backends.length].split(":");
      const upstream = connect({ host, port: Number(port) });
      upstream.once("connect", () => {
        sockets.add(upstream);
        upstream.on("close", () => client.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("error", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.once("error", () => attempt(offset + 1));
    };
    attempt(0);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    setBackends: (list) => (backends = list),
    prefer: (index) => (preferred = index),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
