// Glass to glass across two nodes (#16): the customer's page on one Duet node and the agent's
// console on another, both on one PostgreSQL and one NATS, measured in the same run as one node so
// the ratio of their medians is one machine's. Needs `psql` and servers that answer
// (BENCH_POSTGRES_URL, else 127.0.0.1:5432; BENCH_NATS_URL, else 127.0.0.1:4222); without them it
// says why and measures nothing.

import { spawnSync } from "node:child_process";
import { connect } from "node:net";
import { runGlass } from "./glass.mjs";
import { startServer } from "./support.mjs";

const POSTGRES = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const NATS = process.env.BENCH_NATS_URL ?? "nats://127.0.0.1:4222";

/** Glass to glass with the customer on node A and the agent on node B, or `{ skipped }`. */
export async function runGlassAcross(browser, fixtures, samples) {
  if (!(await answers(NATS))) return { skipped: `no NATS server at ${NATS}` };
  const database = `duet_glass_${process.pid}`;
  const made = spawnSync("psql", [POSTGRES, "-Atqc", `CREATE DATABASE ${database}`], { encoding: "utf8" });
  if (made.status !== 0) return { skipped: `could not make a PostgreSQL database (${(made.stderr || made.error?.message || "").trim()})` };
  const url = new URL(POSTGRES);
  url.pathname = `/${database}`;
  const node = (name) => ({ DUET_DATABASE_URL: url.toString(), DUET_BUS_URL: NATS, DUET_NODE_NAME: name });
  const a = await startServer(fixtures, node("glass-a"));
  const b = await startServer(fixtures, node("glass-b"));
  try {
    return await runGlass(browser, a.base, fixtures, samples, b.base);
  } finally {
    await a.stop();
    await b.stop();
    spawnSync("psql", [POSTGRES, "-Atqc", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
  }
}

/** Whether a TCP connection to the server of `address` (`nats://host:port`) opens. */
function answers(address) {
  const { hostname, port } = new URL(address.replace(/^nats:/, "http:"));
  return new Promise((done) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.destroy();
      done(true);
    });
    socket.on("error", () => done(false));
    socket.setTimeout(3_000, () => {
      socket.destroy();
      done(false);
    });
  });
}
