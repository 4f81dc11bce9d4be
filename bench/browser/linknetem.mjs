// The constrained link with Linux `tc netem`, for kernels that have it: a network namespace of
// the bench's own with two veth pairs to it. Each exposed port is three plain relays
// (linkrelay.mjs): loopback -> (veth pair "a", netem on both ends: one direction each) -> the
// namespace -> (veth pair "c", no qdisc) -> the host -> the target on loopback. So the agent's
// bytes cross one netem qdisc each way, and every exposed port shares the same two. The bench
// creates the namespace and its veths, and deletes them at stop, at exit (also on SIGINT and
// SIGTERM), and after its lifetime; it touches no other interface. Not run on the machine this
// was written on (its kernel has no netem); the namespaces, veths and relays were.

import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startRelay } from "./linkrelay.mjs";

const RELAY_SCRIPT = fileURLToPath(new URL("./linkrelay.mjs", import.meta.url));
const DEFAULT_LIFETIME_MS = 30 * 60_000;

function run(args, { quiet = false } = {}) {
  const ran = spawnSync(args[0], args.slice(1), { encoding: "utf8" });
  if (ran.status !== 0 && !quiet) throw new Error(`${args.join(" ")}: ${ran.stderr || ran.error?.message || ran.status}`);
  return ran.status === 0;
}

/** Whether this machine can put netem on a namespace's interface (root, iproute2, the qdisc). */
export function netemAvailable() {
  const probe = `duetprobe${process.pid}`;
  if (!run(["ip", "netns", "add", probe], { quiet: true })) return false;
  try {
    return run(["ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"], { quiet: true });
  } finally {
    run(["ip", "netns", "del", probe], { quiet: true });
  }
}

/** A netem link of `rateBitsPerSecond` and `oneWayDelayMs` each way; same shape as
 * linkemulator.mjs's: expose() -> { origin, connectTo(port) }, stop(). */
export async function openNetemLink({ rateBitsPerSecond, oneWayDelayMs, lifetimeMs = DEFAULT_LIFETIME_MS }) {
  const id = process.pid % 100_000;
  const ns = `duetlink${id}`;
  const net = `10.213.${id % 250}`;
  const [hostA, nsA, hostC, nsC] = [`${net}.1`, `${net}.2`, `${net}.5`, `${net}.6`];
  const relays = [];
  const children = [];
  let removed = false;
  const removeNamespace = () => {
    if (removed) return;
    removed = true;
    for (const child of children) child.kill();
    for (const dev of [`dla${id}`, `dlc${id}`]) run(["ip", "link", "del", dev], { quiet: true });
    run(["ip", "netns", "del", ns], { quiet: true });
  };
  process.once("exit", removeNamespace);
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
  run(["ip", "netns", "add", ns]);
  try {
    const inNs = (...args) => run(["ip", "netns", "exec", ns, ...args]);
    run(["ip", "link", "add", `dla${id}`, "type", "veth", "peer", "name", `dlb${id}`, "netns", ns]);
    run(["ip", "link", "add", `dlc${id}`, "type", "veth", "peer", "name", `dld${id}`, "netns", ns]);
    run(["ip", "addr", "add", `${hostA}/30`, "dev", `dla${id}`]);
    run(["ip", "addr", "add", `${hostC}/30`, "dev", `dlc${id}`]);
    inNs("ip", "addr", "add", `${nsA}/30`, "dev", `dlb${id}`);
    inNs("ip", "addr", "add", `${nsC}/30`, "dev", `dld${id}`);
    for (const dev of [`dla${id}`, `dlc${id}`]) run(["ip", "link", "set", dev, "up"]);
    for (const dev of ["lo", `dlb${id}`, `dld${id}`]) inNs("ip", "link", "set", dev, "up");
    const shape = ["netem", "delay", `${oneWayDelayMs}ms`, "rate", `${rateBitsPerSecond / 1e6}mbit`, "limit", "10000"];
    run(["tc", "qdisc", "add", "dev", `dla${id}`, "root", ...shape]);
    inNs("tc", "qdisc", "add", "dev", `dlb${id}`, "root", ...shape);
  } catch (error) {
    removeNamespace();
    throw error;
  }

  async function expose() {
    let targetPort = null;
    const back = await startRelay(hostC, () => (targetPort === null ? null : { host: "127.0.0.1", port: targetPort }));
    relays.push(back);
    const child = spawn("ip", ["netns", "exec", ns, process.execPath, RELAY_SCRIPT, nsA, `${hostC}:${back.port}`, String(lifetimeMs)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    children.push(child);
    const nsPort = await new Promise((done, fail) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (text) => {
        out += text;
        const match = /port (\d+)/.exec(out);
        if (match) done(Number(match[1]));
      });
      child.once("exit", (code) => fail(new Error(`the namespace's relay exited (${code})`)));
    });
    const front = await startRelay("127.0.0.1", () => ({ host: nsA, port: nsPort }));
    relays.push(front);
    return { origin: `http://127.0.0.1:${front.port}`, connectTo: (port) => (targetPort = port) };
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(lifetime);
    await Promise.all(relays.map((relay) => relay.stop()));
    removeNamespace();
  };
  const lifetime = setTimeout(stop, lifetimeMs);
  lifetime.unref();
  return {
    kind: `tc netem in network namespace ${ns}: ${oneWayDelayMs} ms each way, ${rateBitsPerSecond / 1e6} Mbit/s per direction (one qdisc each way) shared by all the agent's connections`,
    expose,
    bytes: () => null,
    stop,
  };
}
