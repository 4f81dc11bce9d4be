// The customer's site for the constrained-link run: the packed table page of tab.mjs with a
// stylesheet, a web font and a logo served by the site itself (cacheable, so the customer's
// browser reads them from its cache), and the last line (`#last`) in the site's font and colour:
// "styled" in a mirror means that line's computed colour and font family match the customer's
// and the font face is loaded. `?mode=duet` adds sdk.js; `?mode=rrweb&receiver=<ws origin>`
// adds plain rrweb, which records and sends its events once the receiver asks.

import { PIXEL_FONT, solidPng } from "../../e2e/support/assetsite.mjs";
import { sdkTag } from "./support.mjs";
import { packedRows } from "./tab.mjs";

/** Elements per table row in the page: tr, 4 td, span, input, a. */
const ELEMENTS_PER_ROW = 8;
/** The font family the site's stylesheet names for `#last`. */
export const SITE_FONT = "DuetLinkBench";

const cacheable = { "Cache-Control": "max-age=3600", "Access-Control-Allow-Origin": "*" };

/** A stylesheet of a few KB, as a site's would be: the font, the page's look, utility rules. */
function siteCss() {
  const utilities = Array.from({ length: 150 }, (_, i) => `.u-m${i}{margin:${i}px}.u-p${i}{padding:${i}px}`).join("\n");
  return `@font-face{font-family:"${SITE_FONT}";src:url(/site-font.woff2) format("woff2");font-display:block}
body{font:13px system-ui;margin:8px;color:#222}
header{display:flex;gap:12px;align-items:center}
td{padding:1px 6px;border-bottom:1px solid #eee}
input{width:40px}
#last{font-family:"${SITE_FONT}",monospace;font-size:12px;color:rgb(200,40,120)}
${utilities}
`;
}

/** The site's assets, by path, for startFixtureServer. */
export const siteAssets = {
  "/site.css": { type: "text/css", body: siteCss(), headers: cacheable },
  "/site-font.woff2": { type: "font/woff2", body: PIXEL_FONT, headers: cacheable },
  "/logo.png": { type: "image/png", body: solidPng([30, 90, 200], 64), headers: cacheable },
};

/** Records with plain rrweb once the receiver asks, and sends the events as one JSON message. */
function plainRrwebScript(receiver) {
  return `<script src="/rrweb-record.js"></script>
<script>
  const socket = new WebSocket(${JSON.stringify(`${receiver}/ws?role=customer`)});
  socket.onmessage = (message) => {
    if (message.data !== "snapshot") return;
    const events = [];
    const stop = window.rrwebRecord({ emit: (event) => events.push(event) });
    socket.send(JSON.stringify(events));
    stop?.();
  };
  window.__receiverReady = new Promise((done) => socket.addEventListener("open", done));
</script>`;
}

/** The styled table page of about `?n=` elements. */
export function styledPage(url) {
  const n = Number(url.searchParams.get("n"));
  const mode = url.searchParams.get("mode");
  const script =
    mode === "duet" ? sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation")) : plainRrwebScript(url.searchParams.get("receiver"));
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>styled orders</title>
<script>
  window.__longtasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __longtasks.push({ at: performance.timeOrigin + e.startTime, duration: e.duration }); })
    .observe({ type: "longtask", buffered: true });
</script>
<link rel="stylesheet" href="/site.css"></head>
<body><header><img src="/logo.png" alt="" width="64" height="64"><h1>Orders</h1></header>
<table><tbody>${packedRows(Math.round(n / ELEMENTS_PER_ROW))}</tbody></table><p id="last">end of page</p>${script}</body></html>`;
}

/** Whether `doc` shows `#last` styled as `expected` ({ color, fontFamily }), with the site's
 * font loaded. Runs in a browser (passed to evaluate as source), so it names nothing outside. */
export function styledIn(doc, expected, fontFamily) {
  const last = doc?.getElementById("last");
  if (!last) return false;
  const style = doc.defaultView.getComputedStyle(last);
  if (style.color !== expected.color || style.fontFamily !== expected.fontFamily) return false;
  for (const face of doc.fonts) if (face.family.replace(/["']/g, "") === fontFamily && face.status === "loaded") return true;
  return false;
}
