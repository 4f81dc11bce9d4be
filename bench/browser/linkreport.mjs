// The constrained-link run's report (linkrun.mjs): which link, then one markdown table of Duet
// and plain rrweb side by side, the asset bytes of a first and a second session, and the
// customer's longest task while its assets were sent.

const ms = (x) => (x === null || x === undefined ? "never" : `${x} ms`);
const kib = (bytes) => (bytes === null || bytes === undefined ? "-" : `${(bytes / 1024).toFixed(1)} KiB`);
const mib = (bytes) => (bytes === null || bytes === undefined ? "-" : `${(bytes / 2 ** 20).toFixed(2)} MiB`);
const met = (ok) => (ok ? "yes" : "**no**");
const size = (n) => `${n / 1000}k`;
const count = (x) => (x === null || x === undefined ? "-" : String(x));

/** The median of the sessions' `pick` (null values dropped), with the values when several. */
function median(sessions, pick, format = ms) {
  const values = sessions.map(pick);
  const known = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return format(null);
  const middle = known[Math.floor((known.length - 1) / 2)];
  return values.length === 1 ? format(middle) : `median ${format(middle)} (${values.map((v) => format(v)).join(", ")})`;
}

function timeRows(results) {
  const sizes = [...new Set(results.duet.map((s) => s.n))];
  return sizes.flatMap((n) => {
    const duet = results.duet.filter((s) => s.n === n);
    const rrweb = results.rrweb.filter((s) => s.n === n);
    const where = `${size(n)}-element page (${duet[0]?.elements} elements)`;
    return [
      [
        `${where}: agent's join → the customer sent the page's last frame (Duet: the snapshot's last slice; rrweb: its one message)`,
        median(duet, (s) => s.joinToLastFrameSentMs),
        median(rrweb, (s) => s.joinToLastFrameSentMs),
      ],
      [`${where}: agent's join → the mirror shows the last row`, median(duet, (s) => s.joinToLastRowMs), median(rrweb, (s) => s.joinToLastRowMs)],
      [`${where}: agent's join → the last row **styled** (site's colour and web font loaded)`, median(duet, (s) => s.joinToStyledMs), median(rrweb, (s) => s.joinToStyledMs)],
      [
        `${where}: bytes to the agent across the link from the join until styled (Duet: the customer's page frames)`,
        `${median(duet, (s) => s.linkBytesToAgent, mib)}; ${median(duet, (s) => s.pageFrames, count)} page frames`,
        median(rrweb, (s) => s.linkBytesToAgent, mib),
      ],
      [`${where}: customer's longest main-thread task, join → styled`, median(duet, (s) => s.customerLongTasks.longestMs), median(rrweb, (s) => s.customerLongTasks.longestMs)],
    ];
  });
}

function coldRows(first) {
  return [
    [
      `${size(first.n)}-element page, **first** session on the site (Duet's asset cache empty): join → last row / styled`,
      `${ms(first.joinToLastRowMs)} / ${ms(first.joinToStyledMs)} (the customer sent its last frame at ${ms(first.joinToLastFrameSentMs)})`,
      "-",
    ],
  ];
}

function assetRows({ firstSession: first, secondSession: second }) {
  const ratio = first.assets.uploadBytes === 0 ? null : second.assets.uploadBytes / first.assets.uploadBytes;
  const all = (s) => s.assets.uploadBytes + s.assets.offerBytes;
  const withOffers = all(first) === 0 ? "-" : `${((all(second) / all(first)) * 100).toFixed(1)} %`;
  const sent = (s) =>
    `${kib(s.assets.uploadBytes)} in ${s.assets.uploads} upload(s) (\`PUT …/assets/{sha}\` bodies); offers ${kib(s.assets.offerBytes)} in ${s.assets.offers} request(s)`;
  const longest = (s) => (s.assets.longTasks === null ? "no asset requests" : `${ms(s.assets.longTasks.longestMs)} (${s.assets.longTasks.count} long tasks in the ${s.assets.windowMs} ms of asset requests)`);
  return [
    ["Asset bytes uploaded, first session on the site", "-", sent(first), "-"],
    ["Asset bytes uploaded, second session on the same site (same assets)", "≤ 5 % of the first", `${sent(second)}; ${ratio === null ? "-" : `${(ratio * 100).toFixed(1)} %`} of the first (offers counted too: ${withOffers})`, met(ratio !== null && ratio <= 0.05)],
    ["Customer's longest main-thread task while its assets are sent (first request to last answer), first session", "≤ 50 ms", longest(first), met(first.assets.longTasks !== null && first.assets.longTasks.longestMs <= 50)],
    ["… second session", "≤ 50 ms", longest(second), met(second.assets.longTasks !== null && second.assets.longTasks.longestMs <= 50)],
  ];
}

/** The results of run.mjs --link as markdown. */
export function toLinkMarkdown(results) {
  const { run, link } = results;
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [
    `# Browser benchmark: the agent behind a constrained link${results.quick ? " (quick)" : ""}`,
    "",
    `Written by \`node bench/browser/run.mjs ${results.args.join(" ")}\`; do not edit by hand.`,
    "",
    `- Link: ${link.link}`,
    `- Date: ${run.date}`,
    `- Machine: ${run.machine}`,
    `- Duet binary: ${run.binary.kind} build (${run.binary.path}, built ${run.binary.built}), commit ${run.commit}`,
    `- Load average (1, 5, 15 min) at start / end: ${run.loadAtStart.join(", ")} / ${run.loadAtEnd.join(", ")} on ${run.machine.split(", ")[1]}; the machine is shared, so timings are noisy`,
    `- Browser: Chromium ${run.chromium}, headless; the customer's context on loopback, the agent's through the link; Node ${run.node}`,
    `- Duet sessions after the first use a warm asset cache; plain rrweb: \`@rrweb/record\` 2.1.6 unpatched, its events as one uncompressed JSON WebSocket message through the same link, replayed by \`@rrweb/replay\` 2.1.6, the site's font fetched through the link`,
    "",
    line(["Through the link", "Duet", "plain rrweb"]),
    line(["---", "---", "---"]),
    ...coldRows(link.firstSession).map(line),
    ...timeRows(link).map(line),
    "",
    line(["Assets", "Goal", "Result", "Met"]),
    line(["---", "---", "---", "---"]),
    ...assetRows(link).map(line),
    "",
  ].join("\n");
}
