// Browser benchmarks of Duet, one command: `node bench/browser/run.mjs [--quick] [--tab-only] [--link] [--name NAME]`.
// Prints numbers and writes bench/results/browser.{md,json} (browser-quick.* with --quick, NAME.*
// with --name); asserts nothing about speed. Full: 200 samples per latency, 10k and 80k-element
// pages, 30 s of churn, a 30-minute recording opened 10 times (made from 60 s of real churn).
// Quick: 30 samples, the 10k page only, 10 s of churn, the recording opened 5 times (made from
// 15 s). Both: the 20k and 80k-element server-rendered tables (whitespace between rows and cells;
// 80k is 20,000 rows). --tab-only runs only the customer-tab part (to compare two binaries);
// --glass-only only glass to glass, on one node and across two (PostgreSQL and NATS).
// --link runs only the constrained-link part (linkrun.mjs: the agent behind 5 Mbit/s and 80 ms,
// Duet next to plain rrweb) and writes browser-link.* (browser-link-quick.* with --quick; quick:
// the 10k and 80k pages once, full: three times). DUET_BIN picks the binary.

import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { runGlassAcross } from "./across.mjs";
import { runGlass, glassPage } from "./glass.mjs";
import { toLinkMarkdown } from "./linkreport.mjs";
import { runLink } from "./linkrun.mjs";
import { runReplay } from "./replay.mjs";
import { describeRun, toMarkdown } from "./report.mjs";
import { ROOT, duetBinary, launchBrowser, startFixtureServer, startServer } from "./support.mjs";
import { bigPage, rrwebBundle, runTabDuet, runTabRrweb } from "./tab.mjs";
import { churnPage, runWire } from "./wire.mjs";

const quick = process.argv.includes("--quick");
const tabOnly = process.argv.includes("--tab-only");
const glassOnly = process.argv.includes("--glass-only");
const linkOnly = process.argv.includes("--link");
const nameAt = process.argv.indexOf("--name");
const plan = quick
  ? { samples: 30, sizes: [10_000], whitespaceSizes: [20_000, 80_000], raisedLimitSizes: [], churnSeconds: 10, replay: { seconds: 15, opens: 5 } }
  : { samples: 200, sizes: [10_000, 80_000], whitespaceSizes: [20_000, 80_000], raisedLimitSizes: [80_000], churnSeconds: 30, replay: { seconds: 60, opens: 10 } };
/** A server limit big enough for the 80k page's snapshot, to measure its capture cost anyway. */
const RAISED_LIMIT_BYTES = 32 * 1024 * 1024;

const log = (text) => console.error(`[bench] ${text}`);

/** The constrained-link run alone: its own fixtures, server, link and report. */
async function mainLink() {
  const browser = await launchBrowser();
  const linkPlan = { sizes: [10_000, 80_000], repeats: quick ? 1 : 3 };
  const results = { quick, plan: linkPlan, args: process.argv.slice(2) };
  try {
    results.run = await describeRun(duetBinary(), browser);
    log(`binary: ${results.run.binary.kind} ${results.run.binary.path}`);
    results.link = await runLink(browser, linkPlan);
  } finally {
    await browser.close();
  }
  results.run.loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  await write(results, quick ? "browser-link-quick" : "browser-link", toLinkMarkdown(results));
}

/** Writes the results as bench/results/NAME.{json,md} (or --name's) and prints the markdown. */
async function write(results, defaultName, markdown) {
  const name = nameAt > 0 ? process.argv[nameAt + 1] : defaultName;
  const dir = join(ROOT, "bench", "results");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), markdown);
  console.log(markdown);
  log(`wrote bench/results/${name}.md and .json`);
}

async function withServer(fixtures, env, task) {
  const duet = await startServer(fixtures.origin, env);
  try {
    return await task(duet);
  } finally {
    await duet.stop();
  }
}

async function main() {
  const fixtures = await startFixtureServer({
    "/glass.html": glassPage,
    "/big.html": bigPage,
    "/churn.html": churnPage,
    "/rrweb-record.js": await rrwebBundle(),
  });
  const browser = await launchBrowser();
  const results = { quick, plan, args: process.argv.slice(2), tab: [] };
  try {
    await withServer(fixtures, {}, async (duet) => {
      results.run = await describeRun(duet.bin, browser);
      log(`binary: ${duet.bin.kind} ${duet.bin.path}`);
      if (!tabOnly) {
        log(`glass to glass, ${plan.samples} samples each`);
        results.glass = await runGlass(browser, duet.base, fixtures.origin, plan.samples);
        log(`glass to glass across two nodes (PostgreSQL and NATS), ${plan.samples} samples each`);
        results.glassAcross = await runGlassAcross(browser, fixtures.origin, plan.samples);
      }
      if (glassOnly) return;
      for (const n of plan.sizes) {
        log(`customer tab, ${n} elements, Duet (server limit as configured)`);
        const duetTab = await runTabDuet(browser, duet.base, fixtures.origin, n);
        log(`customer tab, ${n} elements, plain rrweb record()`);
        results.tab.push({ n, limit: "default", duet: duetTab, rrweb: await runTabRrweb(browser, fixtures.origin, n) });
      }
      for (const n of plan.whitespaceSizes) {
        log(`customer tab, ${n} elements in a server-rendered table (whitespace between rows), Duet`);
        results.tab.push({ n, limit: "default", duet: await runTabDuet(browser, duet.base, fixtures.origin, n, "whitespace") });
      }
      if (!tabOnly) {
        log(`wire size, ${plan.churnSeconds} s of churn`);
        results.wire = await runWire(browser, duet.base, fixtures.origin, plan.churnSeconds, duet.dataDir);
        log(`a 30-minute recording (from ${plan.replay.seconds} s of real churn), opened ${plan.replay.opens} times, then played through`);
        results.replay = await runReplay(browser, duet.base, fixtures.origin, duet.dataDir, plan.replay);
      }
    });
    for (const n of tabOnly || glassOnly ? [] : plan.raisedLimitSizes) {
      log(`customer tab, ${n} elements, Duet with DUET_MAX_MESSAGE_BYTES=${RAISED_LIMIT_BYTES}`);
      const env = { DUET_MAX_MESSAGE_BYTES: String(RAISED_LIMIT_BYTES) };
      const duetTab = await withServer(fixtures, env, (duet) => runTabDuet(browser, duet.base, fixtures.origin, n));
      results.tab.push({ n, limit: `${RAISED_LIMIT_BYTES / 1024 / 1024} MiB`, duet: duetTab });
    }
  } finally {
    await browser.close();
    await fixtures.stop();
  }
  results.run.loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  await write(results, quick ? "browser-quick" : "browser", toMarkdown(results));
}

await (linkOnly ? mainLink() : main());
