// Bundles Duet's browser code with esbuild: `node build.mjs <outdir>` (default: dist).
// The Rust build (build.rs) runs this into $OUT_DIR/assets; the file names are the contract
// with src/web, which embeds them with include_bytes!.

import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rrwebPatch } from "./build/rrweb-patch.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, "dist"));
/** `DUET_MINIFY=0` keeps names readable, for profiling the browser code. */
const minify = process.env.DUET_MINIFY !== "0";

/** Output file name → entry point. */
const BUNDLES = {
  "sdk.js": "src/sdk/index.ts",
  "console.js": "src/console/index.ts",
  "host.js": "src/host/index.ts",
  "shop.js": "src/shop/index.ts",
  "share.js": "src/share/index.ts",
  "admin.js": "src/admin/index.ts",
  "supervisor.js": "src/supervisor/index.ts",
};

await mkdir(outdir, { recursive: true });
await Promise.all(
  Object.entries(BUNDLES).map(([file, entry]) =>
    build({
      entryPoints: [join(here, entry)],
      outfile: join(outdir, file),
      bundle: true,
      minify,
      format: "iife",
      target: ["es2022"],
      platform: "browser",
      legalComments: "none",
      logLevel: "warning",
      absWorkingDir: here,
      plugins: [rrwebPatch],
    }),
  ),
);
console.log(`Duet browser bundles written to ${outdir}`);
