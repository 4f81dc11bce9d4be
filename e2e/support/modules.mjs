// Loads Duet's browser modules into a test page, so their functions can be called there as the
// customer's script or the console would: bundled with the same esbuild, exposed as one global.

import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "webresource");
const { build } = createRequire(join(web, "package.json"))("esbuild");

/** Adds `window[name]` to `page`: every export of `entries` (paths under webresource/). */
export async function loadModules(page, name, entries) {
  const contents = entries.map((entry) => `export * from "./${entry}";`).join("\n");
  const result = await build({
    stdin: { contents, resolveDir: web, loader: "ts" },
    bundle: true,
    write: false,
    format: "iife",
    globalName: name,
    target: ["es2022"],
    logLevel: "warning",
  });
  await page.addScriptTag({ content: result.outputFiles[0].text });
}
