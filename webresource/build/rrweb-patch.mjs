// An esbuild plugin that patches rrweb at bundle time, on the pinned 2.1.6 of both packages.
//
// @rrweb/record: seams so Duet can time-slice the full snapshot (src/sdk/slicing.ts):
// - a hook in the child loop of `serializeNodeWithId` that may leave a node's remaining children
//   for later, and the options the snapshot serialized with;
// - while slices are pending, a node rrweb cannot add (it moved next to, or into, a part not sent
//   yet) is forgotten, with its subtree, instead of left half-known: a slice then sends it whole;
// - `serializeNodeWithId` exported, so the slices share rrweb's id counter and mirror.
// Duet's own UI takes no room in the agent's mirror:
// - a blocked element (Duet blocks only its own UI, `[data-duet-ui]`) is ignored, as rrweb ignores
//   a script, instead of sent as an empty placeholder of its size: the placeholder lost the
//   widget's `position: fixed` and pushed everything after it down the agent's page.
// A select's chosen option reaches the agent when its value may (src/sdk/recorder.ts):
// - with selects masked (Duet masks every kind of field, then `maskInputFn` decides), rrweb drops
//   every option's `selected` flag, and a select ignores a `value` attribute: the agent saw the
//   first option. `duetSnapshotHooks.selectedShown(option)` says whether the option's select is
//   shown (its value is not masked), and then the chosen option keeps `selected`.
// - an option's `value` attribute goes through `maskInputFn` as a field's value does (options are
//   in the masked kinds, and `maskInput` judges an option by its select): a masked select sent
//   its options' values, which can name the choice.
// An image shown from a blob: URL, which exists only in the customer's browser, reaches the
// agent (src/sdk/blobimages.ts):
// - `duetSnapshotHooks.image(img)` is told of every image rrweb serializes and of every change of
//   an image's `src` it records, after which Duet may send the pixels as a data: URL.
// A canvas, which the agent's sandboxed mirror cannot draw, reaches the agent as an image
// (src/sdk/canvases.ts):
// - `duetSnapshotHooks.canvas(canvas)` is told of every canvas rrweb serializes.
// A cross-origin iframe running Duet's script joins its parent's recording (src/sdk/frameparent.ts):
// - `duetSnapshotHooks.iframe(iframe)` is told of every iframe rrweb serializes;
// - `duetSnapshotHooks.childEvent(iframe, event)` puts an event the child recorded into the
//   parent's recording with rrweb's own id mapping for cross-origin iframes, without rrweb's
//   `message` listener (`recordCrossOriginIframes`), which takes events from any frame that posts
//   them and has the child post to "*".
//
// @rrweb/replay: the agent's mirror (src/console/mirror.ts) applies a page in time proportional to
// its size. rrweb's replayer copied the parent's whole child list (`Array.from(parent.childNodes)`)
// for every text node a mutation adds, to look at it only under a <textarea> or a <style>. The
// slices and rrweb's own mutations add one node each, so a table whose rows are separated by
// whitespace text nodes (most server-rendered HTML) cost the square of its rows: 20,000 rows
// never reached the agent, whose tab stopped answering. The copy is now made only under those two.
//
// The patch is text replacement on pinned versions: if rrweb's code moved, or a package resolves
// to another file than the one patched, the build stops and says which seam is gone, rather than
// ship a snapshot that is silently whole again or a mirror that is silently quadratic again.

import { readFile } from "node:fs/promises";

const RECORD_DIST = /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/;
const REPLAY_DIST = /[\\/]@rrweb[\\/]replay[\\/]dist[\\/]replay\.js$/;
/** Any script of either package: one that is not the file patched means rrweb's layout changed. */
const RRWEB_SCRIPT = /[\\/]@rrweb[\\/](record|replay)[\\/].*\.[cm]?js$/;

/** Each seam: what rrweb has, what Duet puts there. Every `from` must occur exactly once. */
const RECORD_SEAMS = [
  {
    name: "the child loop of serializeNodeWithId",
    from: `      for (const childN of Array.from(index.childNodes(n))) {
        const serializedChildNode = serializeNodeWithId(childN, bypassOptions);`,
    to: `      for (const childN of Array.from(index.childNodes(n))) {
        if (duetSnapshotHooks.defer !== null && duetSnapshotHooks.defer(n, childN)) break;
        const serializedChildNode = serializeNodeWithId(childN, bypassOptions);`,
  },
  {
    name: "the root call of snapshot()",
    from: `  const slimDOMOptions = slimDOMDefaults(slimDOM);
  return serializeNodeWithId(n, {`,
    to: `  const slimDOMOptions = slimDOMDefaults(slimDOM);
  return serializeNodeWithId(n, duetSnapshotHooks.rootOptions = {`,
  },
  {
    name: "the choice of an ignored node's id in serializeNodeWithId",
    from: `  } else if (slimDOMExcluded(_serializedNode, slimDOMOptions) || !preserveWhiteSpace`,
    to: `  } else if (_serializedNode.needBlock || slimDOMExcluded(_serializedNode, slimDOMOptions) || !preserveWhiteSpace`,
  },
  {
    name: "the selected flag of an option",
    from: `    if (n.selected && !maskInputOptions["select"]) {`,
    to: `    if (typeof attributes.value === "string") attributes.value = maskInputValue({ element: n, maskInputOptions, tagName, type: null, value: attributes.value, maskInputFn });
    if (n.selected && (!maskInputOptions["select"] || duetSnapshotHooks.selectedShown !== null && duetSnapshotHooks.selectedShown(n))) {`,
  },
  {
    name: "the inlining of an image in serializeElementNode",
    from: `  if (tagName === "img" && inlineImages) {`,
    to: `  if (tagName === "img" && duetSnapshotHooks.image !== null) duetSnapshotHooks.image(n);
  if (tagName === "img" && inlineImages) {`,
  },
  {
    name: "the canvas branch of serializeElementNode",
    from: `  if (tagName === "canvas" && recordCanvas) {`,
    to: `  if (tagName === "canvas" && duetSnapshotHooks.canvas !== null) duetSnapshotHooks.canvas(n);
  if (tagName === "canvas" && recordCanvas) {`,
  },
  {
    name: "the handling of an iframe's src in serializeElementNode",
    from: `  if (tagName === "iframe" && !keepIframeSrcFn(attributes.src)) {`,
    to: `  if (tagName === "iframe" && duetSnapshotHooks.iframe !== null) duetSnapshotHooks.iframe(n);
  if (tagName === "iframe" && !keepIframeSrcFn(attributes.src)) {`,
  },
  {
    name: "the iframe manager's constructor",
    from: `    this.mirror = options.mirror;
    if (this.recordCrossOriginIframes) {`,
    to: `    this.mirror = options.mirror;
    duetSnapshotHooks.childEvent = (iframeEl, event) => {
      const transformed = this.transformCrossOriginEvent(iframeEl, event);
      if (transformed) this.wrappedEmit(transformed);
    };
    if (this.recordCrossOriginIframes) {`,
  },
  {
    name: "the mutation buffer's record of a changed attribute",
    from: `          if (attributeName === "type" && tagNameLower === "input"`,
    to: `          if (tagNameLower === "img" && attributeName === "src" && duetSnapshotHooks.image !== null) duetSnapshotHooks.image(target);
          if (attributeName === "type" && tagNameLower === "input"`,
  },
  {
    name: "the mutation buffer's drop of a node whose next sibling it does not know",
    from: `        if (nextId === -1) {
          console.warn(
            "Couldn't record new node. Couldn't find mirror id for nextSibling:",
            nextSibling2
          );
          n = null;
          continue;
        }`,
    to: `        if (nextId === -1) {
          if (duetSnapshotHooks.slicing) duetForget(this.mirror, n);
          else console.warn(
            "Couldn't record new node. Couldn't find mirror id for nextSibling:",
            nextSibling2
          );
          n = null;
          continue;
        }`,
  },
  {
    name: "the mutation buffer's drop of a node whose parent it does not know",
    from: `        if (!parentNode2 || parentId === -1) {
          missingParents.add(n);
          continue;
        }`,
    to: `        if (!parentNode2 || parentId === -1) {
          if (duetSnapshotHooks.slicing) duetForget(this.mirror, n);
          missingParents.add(n);
          continue;
        }`,
  },
  {
    name: "the module's exports",
    from: `export {
  record
};`,
    to: `const duetSnapshotHooks = { defer: null, rootOptions: null, slicing: false, selectedShown: null, image: null, canvas: null, iframe: null, childEvent: null };
function duetForget(mirror, n) {
  mirror.removeNodeFromMap(n);
  mirror.nodeMetaMap.delete(n);
}
export {
  record,
  serializeNodeWithId as duetSerializeNodeWithId,
  duetSnapshotHooks
};`,
  },
];

const REPLAY_SEAMS = [
  {
    name: "the replayer's copy of the parent's child list for each text node a mutation adds",
    from: `        const prospectiveSiblings = Array.isArray(parent.childNodes) ? parent.childNodes : Array.from(parent.childNodes);
        if (parentSn.tagName === "textarea") {
          for (const c2 of prospectiveSiblings) {
            if (c2.nodeType === parent.TEXT_NODE) {
              parent.removeChild(c2);
            }
          }
        } else if (parentSn.tagName === "style" && prospectiveSiblings.length === 1) {
          for (const cssText of prospectiveSiblings) {`,
    to: `        const prospectiveSiblings = parentSn.tagName !== "textarea" && parentSn.tagName !== "style" ? [] : Array.isArray(parent.childNodes) ? parent.childNodes : Array.from(parent.childNodes);
        if (parentSn.tagName === "textarea") {
          for (const c2 of prospectiveSiblings) {
            if (c2.nodeType === parent.TEXT_NODE) {
              parent.removeChild(c2);
            }
          }
        } else if (parentSn.tagName === "style" && prospectiveSiblings.length === 1) {
          for (const cssText of prospectiveSiblings) {`,
  },
];

/** Applies `seams` to `pkg`'s source text; throws naming the seam that is not there once. */
function applySeams(pkg, seams, source) {
  let patched = source;
  for (const seam of seams) {
    const count = patched.split(seam.from).length - 1;
    if (count !== 1) {
      throw new Error(
        `Duet's rrweb patch: ${seam.name} occurs ${count} times in ${pkg} (expected once). ` +
          `Pin ${pkg} to 2.1.6 in webresource/package.json, or update build/rrweb-patch.mjs for the new version.`,
      );
    }
    patched = patched.replace(seam.from, () => seam.to);
  }
  return patched;
}

/** @rrweb/record's dist/record.js with the slicing seams open. */
export function patchRecord(source) {
  return applySeams("@rrweb/record", RECORD_SEAMS, source);
}

/** @rrweb/replay's dist/replay.js applying in linear time. */
export function patchReplay(source) {
  return applySeams("@rrweb/replay", REPLAY_SEAMS, source);
}

/** The esbuild plugin. */
export const rrwebPatch = {
  name: "duet-rrweb-patch",
  setup(build) {
    build.onLoad({ filter: RRWEB_SCRIPT }, async (args) => {
      const patch = RECORD_DIST.test(args.path) ? patchRecord : REPLAY_DIST.test(args.path) ? patchReplay : null;
      if (patch === null) {
        throw new Error(
          `Duet's rrweb patch: the bundle takes ${args.path}, not the dist file build/rrweb-patch.mjs patches. ` +
            "Pin @rrweb/record and @rrweb/replay to 2.1.6 in webresource/package.json, or update build/rrweb-patch.mjs.",
        );
      }
      return { contents: patch(await readFile(args.path, "utf8")), loader: "js" };
    });
  },
};
