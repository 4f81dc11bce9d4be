// An esbuild plugin that opens seams in @rrweb/record 2.1.6 for Duet's recorder.
//
// Time-slicing the full snapshot (src/sdk/slicing.ts):
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
// An image shown from a blob: URL, which exists only in the customer's browser, reaches the
// agent (src/sdk/blobimages.ts):
// - `duetSnapshotHooks.image(img)` is told of every image rrweb serializes and of every change of
//   an image's `src` it records, after which Duet may send the pixels as a data: URL.
//
// The patch is text replacement on a pinned version: if rrweb's code moved, the build stops and
// says which seam is gone, rather than ship a recorder that silently lost one.

import { readFile } from "node:fs/promises";

const RECORD_DIST = /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/;

/** Each seam: what rrweb has, what Duet puts there. Every `from` must occur exactly once. */
const SEAMS = [
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
    to: `    if (n.selected && (!maskInputOptions["select"] || duetSnapshotHooks.selectedShown !== null && duetSnapshotHooks.selectedShown(n))) {`,
  },
  {
    name: "the inlining of an image in serializeElementNode",
    from: `  if (tagName === "img" && inlineImages) {`,
    to: `  if (tagName === "img" && duetSnapshotHooks.image !== null) duetSnapshotHooks.image(n);
  if (tagName === "img" && inlineImages) {`,
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
    to: `const duetSnapshotHooks = { defer: null, rootOptions: null, slicing: false, selectedShown: null, image: null };
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

/** Applies the seams to rrweb's source text; throws naming the seam that is not there once. */
export function patchRecord(source) {
  let patched = source;
  for (const seam of SEAMS) {
    const count = patched.split(seam.from).length - 1;
    if (count !== 1) {
      throw new Error(
        `Duet's rrweb patch: ${seam.name} occurs ${count} times in @rrweb/record (expected once). ` +
          "Pin @rrweb/record to 2.1.6 in webresource/package.json, or update build/rrweb-patch.mjs for the new version.",
      );
    }
    patched = patched.replace(seam.from, () => seam.to);
  }
  return patched;
}

/** The esbuild plugin. */
export const rrwebSlicingPatch = {
  name: "duet-rrweb-slicing",
  setup(build) {
    build.onLoad({ filter: RECORD_DIST }, async (args) => ({
      contents: patchRecord(await readFile(args.path, "utf8")),
      loader: "js",
    }));
  },
};
