// Types for the seams build/rrweb-patch.mjs opens in @rrweb/record (see src/sdk/slicing.ts and
// src/sdk/recorder.ts).

import "@rrweb/record";

declare module "@rrweb/record" {
  /** The options rrweb's `serializeNodeWithId` takes; Duet passes back what rrweb used. */
  type SerializeOptions = Record<string, unknown>;

  /** rrweb's serialized node: an id, a type, and per type its name, attributes or text. */
  interface SerializedNode {
    id: number;
    type: number;
    tagName?: string;
    attributes?: Record<string, unknown>;
  }

  /** Serializes one node (and, unless `skipChild`, its subtree) with rrweb's ids and mirror. */
  export function duetSerializeNodeWithId(node: Node, options: SerializeOptions): SerializedNode | null;

  /** Hooks into rrweb's full snapshot. */
  export const duetSnapshotHooks: {
    /** Asked before each child of `parent` is serialized; `true` leaves the rest for later. */
    defer: ((parent: Node, child: Node) => boolean) | null;
    /** The options of the last full snapshot's root call, set by rrweb. */
    rootOptions: SerializeOptions | null;
    /** While true, a node rrweb's mutation buffer cannot place is forgotten, subtree and all. */
    slicing: boolean;
    /** Asked for a selected option while selects are masked: whether it may keep `selected`. */
    selectedShown: ((option: HTMLOptionElement) => boolean) | null;
    /** Told of each image rrweb serializes, and of each `src` change of one it records. */
    image: ((image: HTMLImageElement) => void) | null;
    /** Told of each canvas rrweb serializes. */
    canvas: ((canvas: HTMLCanvasElement) => void) | null;
    /** Told of each iframe rrweb serializes (snapshot, slice or added later). */
    iframe: ((iframe: HTMLIFrameElement) => void) | null;
    /** Set by the running recording: puts an event a cross-origin child frame recorded into it,
     * its ids mapped into the parent's (a child's full snapshot attaches its document). */
    childEvent: ((iframe: HTMLIFrameElement, event: unknown) => void) | null;
  };
}
