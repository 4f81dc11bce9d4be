// The browser benchmarks' report: where it ran, and one markdown table of measured vs goal.

import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { ROOT } from "./support.mjs";

/** Machine, date, binary and browser of this run. */
export async function describeRun(bin, browser) {
  const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  return {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`,
    node: process.version,
    loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    chromium: browser.version(),
    binary: { kind: bin.kind, path: bin.path, built: statSync(bin.path).mtime.toISOString() },
    commit: `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--", "src", "webresource/src") === "" ? "" : " (modified)"}`,
  };
}

const ms = (x) => (x === null || x === undefined ? "-" : `${x} ms`);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const met = (ok) => (ok ? "yes" : "**no**");
const dist = (s, lost) => `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} / max ${s.max} ms (n=${s.n}, lost ${lost})`;

function strokeRows(stroke) {
  if (stroke === undefined) return [];
  return [
    ["Agent draws a stroke point on the mirror (mouse held down) → the customer's overlay shows it", "p50 ≤ 20 ms", dist(stroke.applied, stroke.lost), met(stroke.lost === 0 && stroke.applied.p50 <= 20)],
    ["… → first customer animation frame after it was drawn", "-", dist(stroke.frame, stroke.lost), "-"],
  ];
}

function glassRows(glass) {
  const { dom, pointer } = glass;
  return [
    ["DOM text change on the customer page → applied in the agent's mirror", "p50 ≤ 30 ms, p95 ≤ 80 ms", dist(dom.applied, dom.lost), met(dom.lost === 0 && dom.applied.p50 <= 30 && dom.applied.p95 <= 80)],
    ["… → first console animation frame after it was applied", "-", dist(dom.frame, dom.lost), "-"],
    ["Customer pointer move → console draws the customer's pointer there", "p50 ≤ 20 ms", dist(pointer.applied, pointer.lost), met(pointer.lost === 0 && pointer.applied.p50 <= 20)],
    ["… → first console animation frame after it was drawn", "-", dist(pointer.frame, pointer.lost), "-"],
    ...strokeRows(glass.stroke),
  ];
}

/** Glass to glass with the customer on one node and the agent on another, against one node. */
function acrossRows(single, across) {
  const what = "Across two nodes (customer on A, agent on B, PostgreSQL and NATS)";
  if (across.skipped) return [[what, "p50 ≤ 1.5 × one node", `not measured: ${across.skipped}`, "-"]];
  const ratio = (kind) => (single && single[kind].applied.p50 > 0 ? across[kind].applied.p50 / single[kind].applied.p50 : null);
  const row = (kind, label) => {
    const r = ratio(kind);
    const result = `${dist(across[kind].applied, across[kind].lost)}; p50 ${r === null ? "-" : `${r.toFixed(2)} ×`} one node's`;
    return [`${what}: ${label}`, "p50 ≤ 1.5 × one node", result, met(across[kind].lost === 0 && r !== null && r <= 1.5)];
  };
  return [row("dom", "DOM text change → applied in the mirror"), row("pointer", "customer pointer move → drawn in the console")];
}

function size(n) {
  return n >= 1000 ? `${n / 1000}k` : String(n);
}

function duetRows({ n, limit, duet }) {
  const layout = duet.layout === "whitespace" ? `server-rendered table, whitespace between rows and cells (${n / 4} rows)` : "page";
  const where = `${size(n)}-element ${layout} (${duet.elements} elements), Duet sdk.js, server limit ${limit}`;
  const goal = n <= 10_000 ? "no task > 50 ms" : "time-sliced: no task > 50 ms";
  const sent = `${duet.fullSnapshotFrames} full snapshot(s) of ${mib(duet.fullSnapshotBytes)} sent, customer socket opened ${duet.customerSockets} time(s)`;
  if (!duet.mirrorShown) {
    const answer = duet.evaluateAnswerMs === null ? "did not answer a trivial evaluate within 10 s" : `answered a trivial evaluate after ${ms(duet.evaluateAnswerMs)}`;
    return [
      [`${where}: longest main-thread task, session start (before any agent)`, goal, `${ms(duet.start.longestMs)}; ${duet.start.count} long tasks, ${ms(duet.start.totalMs)} in all`, met(false)],
      [
        `${where}: agent sees the page's last row`,
        "yes",
        `no (agent waited ${ms(duet.agentWaitedMs)}); ${sent}, ${duet.resentWhileAgentWaited} of them while the agent waited; the customer page then ${answer}${agentState(duet)}`,
        met(false),
      ],
    ];
  }
  return [
    [
      `${where}: longest main-thread task, session start (before any agent) / agent join (the full snapshot)`,
      goal,
      `${ms(duet.start.longestMs)} / ${ms(duet.join.longestMs)}; ${duet.all.count} long tasks, ${ms(duet.all.totalMs)} in all`,
      met(duet.all.longestMs <= 50),
    ],
    [
      `${where}: CDP script time / task time, start through join; of it JSON.stringify / WebSocket send of large frames`,
      "-",
      `${ms(duet.scriptMs)} / ${ms(duet.taskMs)}; ${ms(duet.stringifyMs)} / ${ms(duet.sendMs)}`,
      "-",
    ],
    [
      `${where}: agent sees the page's last row`,
      "yes",
      `yes, ${ms(duet.sentToMirrorMs)} after the join snapshot was sent; ${sent}; the page went out in ${duet.pageFrames} frames of ${mib(duet.pageBytes)} (the snapshot, then its slices)`,
      met(true),
    ],
    [`${where}: from the last slice sent to the last row in the agent's mirror`, "≤ 2 s", ms(duet.lastSliceToMirrorMs), met(typeof duet.lastSliceToMirrorMs === "number" && duet.lastSliceToMirrorMs <= 2_000)],
  ];
}

/** What the agent's tab had when the last row never came (runs before these fields say nothing). */
function agentState(duet) {
  if (!("mirrorRows" in duet)) return "";
  const rows = duet.mirrorRows === null ? "the agent's tab did not answer within 10 s" : `the agent's mirror had ${duet.mirrorRows} rows (answered after ${ms(duet.agentAnswerMs)})`;
  return `; ${rows}, ${ms(duet.lastFrameAgoMs)} after the customer's last page frame`;
}

function rrwebRows({ n, rrweb }) {
  const where = `${size(n)}-element page (${rrweb.elements} elements), plain rrweb record(), default options`;
  return [
    [
      `${where}: longest main-thread task`,
      "(reference)",
      `${ms(rrweb.all.longestMs)}; record() returned after ${ms(rrweb.recordCallMs)}; ${rrweb.all.count} long tasks`,
      "-",
    ],
    [`${where}: CDP script time / task time; events as JSON`, "-", `${ms(rrweb.scriptMs)} / ${ms(rrweb.taskMs)}; ${mib(rrweb.snapshotBytes)}`, "-"],
  ];
}

function wireRows(wire) {
  return [
    [
      "UI churn (10 changes/s, pointer ~30 Hz), customer → server, per minute",
      "-",
      `${kib(wire.bytesPerMin)} in ${wire.framesPerMin} frames (dom ${kib(wire.domBytesPerMin)} in ${wire.domFramesPerMin}, pointer ${kib(wire.pointerBytesPerMin)} in ${wire.pointerFramesPerMin})`,
      "-",
    ],
    [
      "… the same rrweb events as JSON, as rrweb emits them (with the timestamps Duet leaves out), without Duet's envelope",
      "-",
      `${kib(wire.rrwebJsonBytesPerMin)} (${wire.rrwebEventsPerMin} events)`,
      "-",
    ],
    [
      "… page changes as Duet sends them (one deflate stream, binary frames) vs those rrweb events as JSON",
      "≥ 10× smaller",
      `${kib(wire.domBytesPerMin)} vs ${kib(wire.rrwebJsonBytesPerMin)} = ${(wire.rrwebJsonBytesPerMin / Math.max(1, wire.domBytesPerMin)).toFixed(1)}×`,
      met(wire.rrwebJsonBytesPerMin >= 10 * wire.domBytesPerMin),
    ],
    [
      "… everything the page sent (page changes and 6-byte binary pointer frames) vs those rrweb events as JSON (which carry no pointer: Duet turns rrweb's mouse sampling off)",
      "-",
      `${kib(wire.bytesPerMin)} vs ${kib(wire.rrwebJsonBytesPerMin)} = ${(wire.rrwebJsonBytesPerMin / Math.max(1, wire.bytesPerMin)).toFixed(1)}×`,
      "-",
    ],
    ["… everything decoded, gzipped as one stream (-6), for reference", "-", kib(wire.gzipStreamBytesPerMin), "-"],
    [
      "Session recording (#15): bytes a session-minute of this churn (page frames as relayed, pointers at 10 Hz), after a snapshot of",
      "≈ 100 KiB a session (Cobrowse.io's web recordings)",
      `${kib(wire.recordingBytesPerMin ?? 0)} a minute, after ${kib(wire.recordingSnapshotBytes ?? 0)}`,
      "-",
    ],
    [
      "Agent's tab during the churn: JavaScript heap after a full GC, before → after, and growth scaled to a minute (one-off JIT code included: short runs overstate it)",
      "flat",
      `${mib(wire.agentHeapBeforeBytes)} → ${mib(wire.agentHeapAfterBytes)}, ${kib(wire.agentHeapGrowthPerMin)} a minute`,
      "-",
    ],
  ];
}

function replayRows(replay) {
  const { recording: rec, playThrough: end } = replay;
  const ended = /End of the recording/.test(end.status ?? "") && end.errors.length === 0 && end.shownCount === end.finalCount && end.mirrors === rec.fullSnapshots;
  return [
    [
      `Supervisor opens a ${rec.minutes}-minute recording of ${mib(rec.bytes)} (${kib(rec.bytesPerMin)} a minute): click on Play → first animation frame whose mirror holds the page`,
      "< 1 s",
      `median ${ms(replay.firstFrame.p50)}, max ${ms(replay.firstFrame.max)} over ${replay.firstFrame.n} opens (next frame: median ${ms(replay.painted.p50)}, max ${ms(replay.painted.max)})`,
      met(replay.firstFrame.n > 0 && replay.firstFrame.max < 1000),
    ],
    [
      "… of it, the first chunk of the recording received (`GET …/recording?from=0`, audited as recording.viewed first)",
      "-",
      `median ${ms(replay.firstChunk.p50)}, max ${ms(replay.firstChunk.max)}; ${kib(replay.firstChunkBytes)} of JSON`,
      "-",
    ],
    [
      `… the recording: a real ${replay.real.seconds} s session on the churn page (${kib(replay.real.bytes)}, ${replay.real.entries} entries) copied ${rec.copies} times from its full snapshot (as if the page were loaded again each ${replay.real.seconds} s); ${rec.pageFrames} page frames (${rec.fullSnapshots} full) inflated in Node, ${rec.events} events`,
      "Duet lists it complete",
      `listed ${rec.listed}; ${rec.entries} entries`,
      met(rec.listed === "complete"),
    ],
    [
      "… played through to its end (speed control set to 1,000,000×): the player's status and clock, mirrors built (one per full snapshot), the real session's last count in the mirror, page errors",
      "plays to the end, no errors",
      `in ${(end.ms / 1000).toFixed(1)} s: "${end.status}", ${end.time}, timeline ${end.timeline}; ${end.mirrors} mirrors for ${rec.fullSnapshots} snapshots; count ${end.shownCount} (real ${end.finalCount}); errors: ${end.errors.length === 0 ? "none" : end.errors.join("; ")}`,
      met(ended),
    ],
  ];
}

/** The results as markdown. */
export function toMarkdown(results) {
  const { run } = results;
  const rows = [
    ...(results.glass ? glassRows(results.glass) : []),
    ...(results.glassAcross ? acrossRows(results.glass, results.glassAcross) : []),
    ...results.tab.flatMap((t) => [...duetRows(t), ...(t.rrweb ? rrwebRows(t) : [])]),
    ...(results.wire ? wireRows(results.wire) : []),
    ...(results.replay ? replayRows(results.replay) : []),
  ];
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [
    `# Browser benchmarks${results.quick ? " (quick)" : ""}`,
    "",
    `Written by \`node bench/browser/run.mjs ${results.args.join(" ")}\`; do not edit by hand.`,
    "",
    `- Date: ${run.date}`,
    `- Machine: ${run.machine}`,
    `- Duet binary: ${run.binary.kind} build (${run.binary.path}, built ${run.binary.built}), commit ${run.commit}`,
    `- Load average (1, 5, 15 min) at start / end: ${run.loadAtStart.join(", ")} / ${run.loadAtEnd.join(", ")} on ${run.machine.split(", ")[1]}; the machine is shared, so tab timings are noisy`,
    `- Browser: Chromium ${run.chromium}, headless, two contexts (customer, agent) on loopback; Node ${run.node}`,
    "",
    line(["What was measured", "Goal", "Result", "Met"]),
    line(["---", "---", "---", "---"]),
    ...rows.map(line),
    "",
  ].join("\n");
}
