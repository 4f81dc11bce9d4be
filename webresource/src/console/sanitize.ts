// Takes what could run out of the customer's events before rrweb rebuilds them in the mirror:
// `<script>` elements, `on*` handler attributes and `javascript:` URLs. The mirror's sandbox
// (no allow-scripts) already stops them; this is the second wall, for forged events.

import { adaptForMirror } from "./adapt";

/** rrweb's event and node type numbers that matter here. */
const EVENT_FULL_SNAPSHOT = 2;
const EVENT_INCREMENTAL = 3;
const SOURCE_MUTATION = 0;
const NODE_ELEMENT = 2;

/** What a `<script>` becomes: an element that runs nothing and shows nothing, under the same id,
 * so later changes that name it (a child added, an attribute set, its removal) still find a node
 * that takes them, where a comment would throw on a child and make rrweb drop the whole batch. */
const INERT_TAG = "duet-removed-script";
/** Attributes whose value is followed as a URL. SVG `<animate>` and `<set>` put `to`, `from` or
 * `values` into another attribute, an `href` among them. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "href", "src", "action", "formaction", "xlink:href", "data", "to", "from", "values",
]);

/** A node as rrweb serializes it (only what is read here). */
interface SerializedNode {
  type?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/** Cleans one rrweb event in place (full snapshots and mutations; others carry no markup) and
 * returns it. One pass over its nodes and attributes, nothing copied or serialized again. */
export function sanitizeEvent(event: unknown): unknown {
  if (typeof event !== "object" || event === null) return event;
  const { type, data } = event as { type?: unknown; data?: Record<string, unknown> };
  if (typeof data !== "object" || data === null) return event;
  if (type === EVENT_FULL_SNAPSHOT) sanitizeTree(data["node"]);
  if (type === EVENT_INCREMENTAL && data["source"] === SOURCE_MUTATION) sanitizeMutation(data);
  return event;
}

/** Whether `value` is a `javascript:` URL as a browser reads it: spaces and control characters
 * around and inside the scheme are ignored ("java\tscript:", " JavaScript:"). */
export function isJavascriptUrl(value: unknown): boolean {
  if (typeof value !== "string" || !value.includes(":")) return false;
  const scheme = value.slice(0, value.indexOf(":")).replace(/[\u0000-\u0020]/g, "");
  return scheme.toLowerCase() === "javascript";
}

function sanitizeMutation(data: Record<string, unknown>): void {
  const adds = data["adds"];
  if (Array.isArray(adds)) for (const add of adds) sanitizeTree((add as { node?: unknown } | null)?.node);
  const changes = data["attributes"];
  if (Array.isArray(changes)) {
    // A refused change removes the attribute rather than leave whatever it had before.
    for (const change of changes) sanitizeAttributes((change as { attributes?: unknown } | null)?.attributes, null);
  }
}

// Iterative: a deep page must not overflow the console's stack before rrweb even sees it.
function sanitizeTree(root: unknown): void {
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
    if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
  }
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
