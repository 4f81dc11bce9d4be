// Time-slices rrweb's full snapshot so a large page never freezes the customer's tab.
//
// rrweb serializes the whole page in one task (about 0.3 s at 10,000 elements, over 1 s at 80,000).
// Here the snapshot gets a budget: when it runs out, rrweb leaves a node's remaining children for
// later (a seam build/rrweb-patch.mjs opens), and the FullSnapshot goes out with what fitted: the
// head and the top of the page. The rest is serialized in later slices, in document order, and
// sent as rrweb mutation events that add one node each, with rrweb's own ids and masking. Between
// slices the page keeps changing and rrweb keeps recording, so both sides follow one rule: the
// agent has a node once rrweb's mirror maps its id to it. rrweb drops changes to nodes not
// serialized yet (a slice later sends them as they are by then); a node rrweb cannot place while
// slices are pending (it moved next to, or into, a part not sent yet) is forgotten, subtree and
// all, for a slice to send; and a slice inserts each node before the first following sibling the
// agent already has, so siblings stay in order whoever sent them.

import { duetSerializeNodeWithId, duetSnapshotHooks, record } from "@rrweb/record";
import { natives } from "../natives";
import { EVENT_INCREMENTAL, SOURCE_MUTATION } from "../rrwebwords";

/** Time the snapshot may take in the task that starts it, before the rest waits for slices. */
export const FIRST_SLICE_MS = 12;
/** Time each later slice may serialize for before it yields to the page. */
export const SLICE_MS = 8;

/** Elements whose children the first task always serializes with them. */
const WHOLE_ELEMENTS = new Set(["HEAD", "STYLE", "SCRIPT", "NOSCRIPT", "TEXTAREA", "TITLE"]);

/** One rrweb mutation `add`. */
interface Add {
  parentId: number;
  nextId: number | null;
  node: { id: number; type: number; tagName?: string; attributes?: Record<string, unknown> };
}

/** A node whose children (or shadow root's children) are not all serialized yet. */
interface Pending {
  /** The node rrweb knows, whose id the adds name as their parent. */
  host: Node;
  /** Where the children are: the host itself, or its shadow root. */
  container: Node;
  /** The child to look at next, and the first following sibling the agent has: both valid only
   * while `stamp` is the slicer's count of child-list changes (a moved node would skip others). */
  next: Node | null;
  anchor: Node | null;
  stamp: number;
}

/** Runs rrweb snapshots with a time budget and sends what did not fit in later slices. */
export class SlicedSnapshot {
  #emit: (event: unknown) => void;
  #stack: Pending[] = [];
  #rootOptions: Record<string, unknown> | null = null;
  #generation = 0;
  /** Child-list changes the page made while slices were pending. */
  #changes = 0;
  /** The browser's own timers and observer, whatever the page replaced (natives.ts): a page's
   * MutationObserver that throws would leave the agent without a snapshot. */
  #native = natives();
  #watcher = new this.#native.MutationObserver(() => {
    this.#changes += 1;
  });
  /** The generation each posted slice task belongs to, in the order they run. */
  #posted: number[] = [];
  #postSlice = this.#native.taskPoster(() => this.#slice(this.#posted.shift() ?? -1));

  /** `emit` gets the mutation events of later slices, as rrweb's own events would arrive. */
  constructor(emit: (event: unknown) => void) {
    this.#emit = emit;
  }

  /** Runs `take` (rrweb's `record()` or `takeFullSnapshot`) within the first slice's budget. */
  capture(take: () => void): void {
    this.cancel();
    // Every id in the mirror then belongs to this snapshot: "in the mirror" means "the agent has it".
    record.mirror.reset();
    const clock = this.#native;
    const deadline = clock.now() + FIRST_SLICE_MS;
    const deferred: Pending[] = [];
    const seen = new Set<Node>();
    duetSnapshotHooks.rootOptions = null;
    duetSnapshotHooks.defer = (parent, child) => {
      if (clock.now() < deadline || !isDeferrable(parent)) return false;
      if (!seen.has(parent)) {
        seen.add(parent);
        deferred.push(pending(parent, parent, child));
      }
      return true;
    };
    try {
      take();
    } finally {
      duetSnapshotHooks.defer = null;
    }
    this.#rootOptions = duetSnapshotHooks.rootOptions;
    // rrweb defers the deepest node first, then each ancestor as the recursion unwinds: the
    // deepest goes on top, so the page comes in document order.
    this.#stack = deferred.reverse();
    if (this.#stack.length === 0 || this.#rootOptions === null) return;
    this.#watcher.observe(document, { childList: true, subtree: true });
    duetSnapshotHooks.slicing = true;
    this.#schedule();
  }

  /** Whether part of the page is still to be sent. */
  get pending(): boolean {
    return this.#stack.length > 0;
  }

  /** Drops what is left of the current snapshot. */
  cancel(): void {
    this.#generation += 1;
    this.#stack = [];
    this.#stopWatching();
  }

  // One slice per task; a task posted for a snapshot since cancelled does nothing.
  #schedule(): void {
    this.#posted.push(this.#generation);
    this.#postSlice();
  }

  #slice(generation: number): void {
    if (generation !== this.#generation || this.#rootOptions === null) return;
    const options = { ...this.#rootOptions, skipChild: true };
    const deadline = this.#native.now() + SLICE_MS;
    const adds: Add[] = [];
    while (this.#stack.length > 0 && this.#native.now() < deadline) {
      const add = this.#next(options);
      if (add !== null) adds.push(add);
    }
    if (adds.length > 0) {
      this.#emit({
        type: EVENT_INCREMENTAL,
        data: { source: SOURCE_MUTATION, texts: [], attributes: [], removes: [], adds },
        timestamp: this.#native.dateNow(),
      });
    }
    if (this.#stack.length > 0) this.#schedule();
    else this.#stopWatching();
  }

  #stopWatching(): void {
    this.#watcher.disconnect();
    duetSnapshotHooks.slicing = false;
  }

  // One step: serializes the next child the agent does not have, or retires a finished node.
  #next(options: Record<string, unknown>): Add | null {
    const mirror = record.mirror;
    const top = this.#stack[this.#stack.length - 1] as Pending;
    const parentId = mirror.getId(top.host);
    if (!agentHas(top.host) || !top.host.isConnected) {
      this.#stack.pop(); // Removed since: rrweb told the agent already.
      return null;
    }
    if (top.stamp !== this.#changes) {
      // The page added, removed or moved nodes since: look again from the first child.
      [top.next, top.anchor, top.stamp] = [top.container.firstChild, null, this.#changes];
      top.anchor = this.#findAnchor(top.next);
    }
    let child = top.next;
    while (child !== null && agentHas(child)) {
      if (child === top.anchor) top.anchor = this.#findAnchor(child.nextSibling);
      child = child.nextSibling;
    }
    if (child === null) {
      this.#stack.pop();
      return null;
    }
    top.next = child.nextSibling;
    const nextId = top.anchor === null ? null : mirror.getId(top.anchor);
    const node = duetSerializeNodeWithId(child, options);
    if (node === null) return null; // Ignored by rrweb (a script, a comment): its subtree too.
    if (child instanceof Element && hasOwnChildren(child, node)) {
      const shadow = child.shadowRoot;
      if (shadow !== null && shadow.firstChild !== null) this.#stack.push(pending(child, shadow, null));
      if (child.firstChild !== null) this.#stack.push(pending(child, child, null));
    }
    return { parentId, nextId, node };
  }

  // The first node from `from` on that the agent has: new nodes go before it (null: append).
  #findAnchor(from: Node | null): Node | null {
    let sibling = from;
    while (sibling !== null && !(agentHas(sibling) && record.mirror.getId(sibling) > 0)) sibling = sibling.nextSibling;
    return sibling;
  }
}

// Whether the agent has the node: rrweb's mirror maps its id to it. (A node rrweb removed keeps
// its id but leaves that map; when rrweb could not re-add it where it moved, a slice sends it.)
function agentHas(node: Node): boolean {
  return record.mirror.has(record.mirror.getId(node));
}

function pending(host: Node, container: Node, next: Node | null): Pending {
  return { host, container, next, anchor: null, stamp: -1 };
}

// The head (styles first), and elements whose children rrweb reads together with them (style
// text, a textarea's value, a title), are never split.
function isDeferrable(parent: Node): boolean {
  if (!(parent instanceof Element) || WHOLE_ELEMENTS.has(parent.nodeName)) return false;
  const doc = parent.ownerDocument;
  return parent !== doc.documentElement && !(doc.head?.contains(parent) ?? false);
}

// Whether a node serialized on its own still needs its children sent: not when rrweb blocked it
// (a placeholder; Duet's build leaves its own blocked UI out instead) or already carries its
// children in an attribute (style text, a textarea's value).
function hasOwnChildren(element: Element, node: NonNullable<ReturnType<typeof duetSerializeNodeWithId>>): boolean {
  const attributes = node.attributes ?? {};
  if ("rr_width" in attributes || "_cssText" in attributes) return false;
  return !(element.nodeName === "TEXTAREA" && "value" in attributes);
}
