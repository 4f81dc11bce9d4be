// What the asset tests serve: solid-colour PNGs made here, a real font (Press Start 2P, OFL, an
// npm dev dependency: its glyphs are far wider than any fallback's), and a third origin that
// counts who asks it for anything.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { deflateSync } from "node:zlib";

const FONT_FILES = new URL("../../webresource/node_modules/@fontsource/press-start-2p/files/", import.meta.url);
/** The woff2 of a font no machine has installed. */
export const PIXEL_FONT = readFileSync(new URL("press-start-2p-latin-400-normal.woff2", FONT_FILES));
/** The same font as woff: other bytes, for a test that needs assets no other test sent. */
export const PIXEL_FONT_WOFF = readFileSync(new URL("press-start-2p-latin-400-normal.woff", FONT_FILES));

/** A `size`×`size` PNG of one colour. */
export function solidPng([r, g, b], size = 16) {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A server on another loopback origin that answers everything (an image, a stylesheet, a font)
 * and remembers each request: its path and the `x-test-party` header the browser context sent
 * (`agent` or `customer`), or its user agent when there is none (Duet's own fetcher). */
export async function startThirdOrigin() {
  const requests = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    requests.push({ path, party: request.headers["x-test-party"] ?? request.headers["user-agent"] ?? "" });
    const [type, body] = path.endsWith(".css")
      ? ["text/css", `.from-third { background-image: url(/from-third-css.png); }`]
      : path.endsWith(".woff2")
        ? ["font/woff2", PIXEL_FONT]
        : ["image/png", solidPng([0, 200, 0])];
    response.writeHead(200, { "Content-Type": type, "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" }).end(body);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const stop = () => new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  });
  return { origin, requests, stop };
}
