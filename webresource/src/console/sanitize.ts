// Takes what could run out of the customer's events before rrweb rebuilds them in the mirror:
// `<script>` elements, `on*` handler attributes and `javascript:` URLs. The mirror's sandbox
// (no allow-scripts) already stops them; this is the second wall, for forged events. In the same
// pass, every address that would load something goes through Duet (assetaddresses.ts).

import type { SerializedNode } from "../loads";
import type { AssetAddresses } from "./assetaddresses";

import { adaptForMirror } from "./adapt";
import {
  EVENT_FULL_SNAPSHOT, EVENT_INCREMENTAL, EVENT_META, NODE_ELEMENT, NODE_TEXT, SOURCE_ADOPTED_STYLE_SHEET,
  SOURCE_MUTATION, SOURCE_STYLE_DECLARATION, SOURCE_STYLE_SHEET_RULE,
} from "../rrwebwords";


/** What a `<script>` becomes: an element that runs nothing and shows nothing, under the same id,
 * so later changes that name it (a child added, an attribute set, its removal) still find a node
 * that takes them, where a comment would throw on a child and make rrweb drop the whole batch. */
const INERT_TAG = "duet-removed-script";
/** Attributes whose value is followed as a URL. SVG `<animate>` and `<set>` put `to`, `from` or
 * `values` into another attribute, an `href` among them. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "href", "src", "action", "formaction", "xlink:href", "data", "to", "from", "values",
]);


/** What the mirror knows of a node already applied: its tag, and whether it is a style's text. */
export type NodeLookup = (id: number) => { tagName: string; styleText: boolean } | null;

/** Where the addresses go, and how to know an already-mirrored node by id. */
export interface Rewrite {
  addresses: AssetAddresses;
  lookup: NodeLookup;
}

/** Cleans one rrweb event in place (full snapshots and mutations; others carry no markup) and
 * returns it. One pass over its nodes and attributes, nothing copied or serialized again. */
export function sanitizeEvent(event: unknown, rewrite: Rewrite | null = null): unknown {
  if (typeof event !== "object" || event === null) return event;
  const { type, data } = event as { type?: unknown; data?: Record<string, unknown> };
  if (typeof data !== "object" || data === null) return event;
  if (type === EVENT_META && rewrite !== null && typeof data["href"] === "string") rewrite.addresses.page = data["href"];
  if (type === EVENT_FULL_SNAPSHOT) sanitizeTree(data["node"], rewrite);
  if (type !== EVENT_INCREMENTAL) return event;
  const source = data["source"];
  if (source === SOURCE_MUTATION) sanitizeMutation(data, rewrite);
  else if (rewrite !== null) rewriteStyleChange(source, data, rewrite.addresses);
  return event;
}

/** Whether `value` is a `javascript:` URL as a browser reads it: spaces and control characters
 * around and inside the scheme are ignored ("java\tscript:", " JavaScript:"). */
export function isJavascriptUrl(value: unknown): boolean {
  if (typeof value !== "string" || !value.includes(":")) return false;
  const scheme = value.slice(0, value.indexOf(":")).replace(/[\u0000-\u0020]/g, "");
  return scheme.toLowerCase() === "javascript";
}

function sanitizeMutation(data: Record<string, unknown>, rewrite: Rewrite | null): void {
  const adds = data["adds"];
  if (Array.isArray(adds)) for (const add of adds) sanitizeTree((add as { node?: unknown } | null)?.node, rewrite);
  const changes = data["attributes"];
  if (Array.isArray(changes)) {
    // A refused change removes the attribute rather than leave whatever it had before.
    for (const change of changes) {
      const { id, attributes } = (change ?? {}) as { id?: unknown; attributes?: unknown };
      sanitizeAttributes(attributes, null);
      if (rewrite !== null && typeof attributes === "object" && attributes !== null) {
        const tagName = typeof id === "number" ? (rewrite.lookup(id)?.tagName ?? "") : "";
        rewrite.addresses.attributes(tagName, attributes as Record<string, unknown>, null);
      }
    }
  }
  const texts = data["texts"];
  if (rewrite !== null && Array.isArray(texts)) {
    for (const text of texts as { id?: unknown; value?: unknown }[]) {
      if (typeof text?.id === "number" && typeof text.value === "string" && rewrite.lookup(text.id)?.styleText === true) {
        text.value = rewrite.addresses.css(text.value);
      }
    }
  }
}

// Iterative: a deep page must not overflow the console's stack before rrweb even sees it.
function sanitizeTree(root: unknown, rewrite: Rewrite | null): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as SerializedNode | null | undefined;
    if (typeof node !== "object" || node === null) continue;
    if (node.type === NODE_ELEMENT && isScript(node.tagName)) {
      makeInert(node);
      continue;
    }
    sanitizeAttributes(node.attributes, undefined);
    adaptForMirror(node);
    if (rewrite !== null) {
      if (node.type === NODE_ELEMENT && typeof node.attributes === "object" && node.attributes !== null) {
        rewrite.addresses.attributes(String(node.tagName ?? ""), node.attributes, undefined);
      } else if (node.type === NODE_TEXT && node.isStyle === true && typeof node.textContent === "string") {
        node.textContent = rewrite.addresses.css(node.textContent);
      }
    }
    if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
  }
}

/** CSS rules inserted, declarations set and constructed stylesheets: their references through Duet. */
function rewriteStyleChange(source: unknown, data: Record<string, unknown>, addresses: AssetAddresses): void {
  const rewriteRules = (rules: unknown): void => {
    if (!Array.isArray(rules)) return;
    for (const entry of rules as { rule?: unknown }[]) {
      if (typeof entry?.rule === "string") entry.rule = addresses.css(entry.rule);
    }
  };
  if (source === SOURCE_STYLE_SHEET_RULE) rewriteRules(data["adds"]);
  if (source === SOURCE_ADOPTED_STYLE_SHEET && Array.isArray(data["styles"])) {
    for (const style of data["styles"] as { rules?: unknown }[]) rewriteRules(style?.rules);
  }
  const set = data["set"] as { value?: unknown } | undefined;
  if (source === SOURCE_STYLE_DECLARATION && typeof set?.value === "string") set.value = addresses.css(set.value);
}

/** Event handler attributes: `onclick`, `ONERROR`, `onbegin`… (compared by character code: this
 * runs for every attribute of every page.) */
function isHandler(name: string): boolean {
  return (name.charCodeAt(0) | 0x20) === 0x6f && (name.charCodeAt(1) | 0x20) === 0x6e;
}

/** `script` in any case, and with a prefix: rrweb makes SVG elements with `createElementNS`,
 * where "svg:script" is a script too. */
function isScript(tagName: unknown): boolean {
  return typeof tagName === "string" && tagName.slice(tagName.lastIndexOf(":") + 1).toLowerCase() === "script";
}

function makeInert(node: SerializedNode): void {
  node.tagName = INERT_TAG;
  node.attributes = { hidden: "" };
  node.childNodes = [];
}

/** Drops each refused attribute (`undefined`), or sets it to `null`, which rrweb's mutations read as "remove". */
function sanitizeAttributes(attributes: unknown, refused: null | undefined): void {
  if (typeof attributes !== "object" || attributes === null) return;
  const named = attributes as Record<string, unknown>;
  for (const name in named) {
    if (!isHandler(name) && !(isJavascriptUrl(named[name]) && URL_ATTRIBUTES.has(name.toLowerCase()))) continue;
    if (refused === undefined) delete named[name];
    else named[name] = refused;
  }
}
