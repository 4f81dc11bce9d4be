// Customer pages for e2e/richdom.test.mjs: shadow DOM, constructed stylesheets, dialogs,
// canvases, media, focus and hover. Each page puts its case after enough rows that the full
// snapshot is sliced before it (the case arrives in slices, not in the first FullSnapshot).

import { sdkTag } from "./fixtures.mjs";

/** Rows before each page's case: enough elements that the snapshot is sent in slices. */
export const FILLER_ROWS = 1_500;

/** The fixture pages by path. */
export const richPages = {
  "/shadow.html": (url) => page(url, "shadow", shadowBody),
  "/sheets.html": (url) => page(url, "sheets", sheetsBody),
  "/dialogs.html": (url) => page(url, "dialogs", dialogsBody),
  "/canvas.html": (url) => page(url, "canvas", canvasBody),
  "/webgl.html": (url) => page(url, "webgl", webglBody),
  "/media.html": (url) => page(url, "media", mediaBody),
  "/attention.html": (url) => page(url, "attention", attentionBody),
  "/poster.png": () => ({ type: "image/png", body: onePixelPng() }),
  "/tone.wav": () => ({ type: "audio/wav", body: toneWav() }),
};

function page(url, title, body) {
  const [base, conversation] = [url.searchParams.get("duet"), url.searchParams.get("conversation")];
  const rows = Array.from({ length: FILLER_ROWS }, (_, i) => `<li>Row ${i} <em>item</em></li>`).join("");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body { margin: 0; font: 16px/1.4 sans-serif } #filler { height: 200px; overflow: auto; margin: 0 }</style></head>
<body><h1 id="ready">${title}</h1><ul id="filler">${rows}</ul>
${body()}
${sdkTag(base, conversation)}</body></html>`;
}

/** An open shadow root with styled text, a masked input, and a shadow host inside a masked box. */
function shadowBody() {
  return `<div id="host"></div><div data-duet-mask><div id="masked-host"></div></div>
<script>
  const root = document.getElementById("host").attachShadow({ mode: "open" });
  root.innerHTML = '<style>.inner { color: rgb(200, 0, 0); font-weight: 700; padding: 4px 10px }</style>' +
    '<p id="inner" class="inner">Text inside the shadow root</p>' +
    '<label>Card <input id="shadow-secret" data-duet-mask value="Shadow secret value"></label>';
  const masked = document.getElementById("masked-host").attachShadow({ mode: "open" });
  masked.innerHTML = '<p id="masked-inner">Shadow text of a masked box</p>';
  window.changeShadow = () => {
    root.getElementById("inner").textContent = "Changed inside the shadow root";
    const added = document.createElement("p");
    added.id = "added-in-shadow";
    added.className = "inner";
    added.textContent = "Added inside the shadow root";
    root.append(added);
  };
  window.addHost = () => {
    const host = document.createElement("div");
    host.id = "late-host";
    document.body.append(host);
    const late = host.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync("p { color: rgb(0, 90, 180) }");
    late.adoptedStyleSheets = [sheet];
    late.innerHTML = '<p id="late-inner">A shadow root added after the join</p>';
  };
</script>`;
}

/** Constructed stylesheets adopted by the document and by a shadow root; `window.restyle()`
 * replaces the document's sheet's rules and adopts a new one in the shadow root. */
function sheetsBody() {
  return `<p id="doc-styled" class="doc-styled">Styled by the document's constructed sheet</p><div id="sheet-host"></div>
<script>
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(".doc-styled { color: rgb(0, 128, 0) }");
  document.adoptedStyleSheets = [sheet];
  const root = document.getElementById("sheet-host").attachShadow({ mode: "open" });
  const shadowSheet = new CSSStyleSheet();
  shadowSheet.replaceSync(".shadow-styled { color: rgb(0, 0, 200) }");
  root.adoptedStyleSheets = [shadowSheet];
  root.innerHTML = '<p id="shadow-styled" class="shadow-styled">Styled by a constructed sheet of the shadow root</p>';
  window.restyle = () => {
    sheet.replaceSync(".doc-styled { color: rgb(128, 0, 128) }");
    const other = new CSSStyleSheet();
    other.replaceSync(".shadow-styled { color: rgb(255, 140, 0) }");
    root.adoptedStyleSheets = [shadowSheet, other];
  };
</script>`;
}

/** A modal dialog open before the join, a closed <details>, a popover. */
function dialogsBody() {
  return `<details id="more"><summary>More</summary><p id="more-text">Details text</p></details>
<div id="tip" popover>A popover's text</div>
<div id="early-tip" popover>A popover open before the join</div>
<dialog id="modal" style="width: 300px; height: 120px"><p id="modal-text">A modal dialog</p></dialog>
<dialog id="plain"><p>A non-modal dialog</p></dialog>
<script>
  document.getElementById("modal").showModal();
  document.getElementById("early-tip").showPopover();
</script>`;
}

/** A 2D canvas with four coloured quarters, and a masked one; `window.redraw(rgb)` fills the
 * first with one colour. */
function canvasBody() {
  return `<canvas id="drawing" width="200" height="100" style="width: 200px; height: 100px; border: 1px solid #000"></canvas>
<div data-duet-mask><canvas id="masked-canvas" width="120" height="60"></canvas></div>
<script>
  const context = document.getElementById("drawing").getContext("2d");
  const quarters = [[255, 0, 0], [0, 160, 0], [0, 0, 255], [250, 200, 0]];
  quarters.forEach(([r, g, b], i) => {
    context.fillStyle = "rgb(" + r + "," + g + "," + b + ")";
    context.fillRect((i % 2) * 100, (i >> 1) * 50, 100, 50);
  });
  const secret = document.getElementById("masked-canvas").getContext("2d");
  secret.fillStyle = "rgb(10, 200, 200)";
  secret.fillRect(0, 0, 120, 60);
  window.addCanvas = () => {
    const late = document.createElement("canvas");
    late.id = "late-canvas";
    [late.width, late.height] = [60, 40];
    const drawn = late.getContext("2d");
    drawn.fillStyle = "rgb(120, 0, 160)";
    drawn.fillRect(0, 0, 60, 40);
    document.body.append(late);
  };
  window.animate = (ms) => new Promise((done) => {
    const end = performance.now() + ms;
    const frame = (now) => {
      window.redraw([Math.round(now) % 256, 100, 100]);
      if (now < end) requestAnimationFrame(frame);
      else done();
    };
    requestAnimationFrame(frame);
  });
  window.redraw = ([r, g, b]) => {
    context.fillStyle = "rgb(" + r + "," + g + "," + b + ")";
    context.fillRect(0, 0, 200, 100);
  };
</script>`;
}

/** A WebGL canvas without preserveDrawingBuffer, cleared to a colour in every animation frame;
 * `window.glColor` is the colour, `window.glReady` whether WebGL exists here. */
function webglBody() {
  return `<canvas id="gl" width="160" height="80"></canvas>
<script>
  const gl = document.getElementById("gl").getContext("webgl");
  window.glReady = gl !== null;
  window.glColor = [0, 200, 100];
  const frame = () => {
    const [r, g, b] = window.glColor;
    gl.clearColor(r / 255, g / 255, b / 255, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    requestAnimationFrame(frame);
  };
  if (gl !== null) requestAnimationFrame(frame);
</script>`;
}

/** A video with a poster and no source, and a looping audio element. */
function mediaBody() {
  return `<video id="clip" poster="/poster.png" width="160" height="90" muted></video>
<audio id="sound" src="/tone.wav" loop controls></audio>`;
}

/** Fields (one inside a shadow root) and a menu with a :hover rule. */
function attentionBody() {
  return `<style>.item { padding: 6px; background: rgb(240, 240, 240) } .item:hover { background: rgb(255, 200, 0) }</style>
<form><label>Name <input id="name"></label> <label>Email <input id="email"></label></form>
<ul id="menu"><li class="item" id="item-1">First</li><li class="item" id="item-2">Second</li></ul>
<div id="field-host"></div>
<script>
  document.getElementById("field-host").attachShadow({ mode: "open" }).innerHTML = '<label>Code <input id="shadow-field"></label>';
</script>`;
}

/** A 1×1 PNG. */
function onePixelPng() {
  return Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
}

/** Two seconds of a quiet 440 Hz tone, 8 kHz mono 8-bit PCM. */
function toneWav() {
  const rate = 8_000;
  const samples = Buffer.alloc(rate * 2);
  for (let i = 0; i < samples.length; i += 1) samples[i] = 128 + Math.round(8 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write("data", 36);
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}
