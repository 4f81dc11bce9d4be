// What in a recorded page makes a browser load something: the attributes that name one address,
// the `<link>` kinds that show a resource, and the references in CSS. The customer's script
// (sdk/assets.ts) reads them to send the assets; the console (console/assetaddresses.ts) rewrites
// the same ones to Duet, so both sides agree on every address.

/** A node as rrweb serializes it (only what is read here). */
export interface SerializedNode {
  type?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
  isStyle?: boolean;
  textContent?: unknown;
}

/** Attributes whose value is one address to load (not on frames, whose page is never loaded). */
export const LOADED_ATTRIBUTES: ReadonlySet<string> = new Set(["src", "poster", "background", "lowsrc", "data"]);
/** `<link rel>` words whose `href` is a resource the page shows. */
export const SHOWN_LINKS: ReadonlySet<string> = new Set(["stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "preload"]);

/** CSS references: `url(…)` (quoted or not) and `@import "…"`; the address is in one of groups 1–5. */
const CSS_REFERENCE = /url\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|((?:[^)\\\s"']|\\.)*))\s*\)|@import\s+(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')/gi;

/** Whether `text` may hold a CSS reference at all (the cheap test before the expression). */
function mayReference(text: string): boolean {
  return text.includes("url(") || text.includes("URL(") || text.includes("@import");
}

/** `text` with each CSS reference replaced by what `rewrite(address)` makes of it, as `url("…")`. */
export function rewriteCssReferences(text: string, rewrite: (address: string) => string): string {
  if (!mayReference(text)) return text;
  return text.replace(CSS_REFERENCE, (whole: string, ...groups: (string | undefined)[]) => {
    const address = unescapeCss(groups.slice(0, 5).find((group) => group !== undefined) ?? "");
    const quoted = `"${rewrite(address).replace(/["\\]/g, "\\$&")}"`;
    return whole.startsWith("@") ? `@import url(${quoted})` : `url(${quoted})`;
  });
}

/** Every address `text` references in CSS, as written (unescaped). */
export function cssReferences(text: string): string[] {
  if (!mayReference(text)) return [];
  return Array.from(text.matchAll(CSS_REFERENCE), (match) => unescapeCss(match.slice(1, 6).find((group) => group !== undefined) ?? ""));
}

/** Whether a `<link>` with these attributes shows what its `href` names. */
export function linkShows(attributes: Record<string, unknown>): boolean {
  const rel = typeof attributes["rel"] === "string" ? attributes["rel"].toLowerCase().split(/\s+/) : [];
  return rel.some((word) => SHOWN_LINKS.has(word));
}

function unescapeCss(text: string): string {
  return text.replace(/\\([0-9a-fA-F]{1,6}\s?|.)/g, (_, escaped: string) => {
    const hex = escaped.trim();
    return /^[0-9a-fA-F]+$/.test(hex) ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)) : escaped;
  });
}
