// The page's assets for the agent's mirror, read here with the customer's own credentials: each
// address a recorded event would make the mirror load (images, srcsets, posters, stylesheets,
// icons, and the fonts and backgrounds their CSS names) is fetched once, from the browser's cache
// where it can, hashed (SHA-256), and offered to Duet, which answers which hashes it lacks; only
// those are uploaded, so a second session on the same site sends little more than hashes. An
// address the browser cannot read (another origin without CORS, too big, an error) is said to be
// unreadable, and Duet may fetch it itself from the tenant's own site. Everything here runs off
// the recorder's task: the walk over a batch is the only work done in it.

import { callApi } from "../api";
import { LOADED_ATTRIBUTES, type SerializedNode, cssReferences, linkShows } from "../loads";
import { natives } from "../natives";

/** The largest asset sent (Duet's limit too). */
const MAX_ASSET_BYTES = 8 << 20;
/** Bytes uploaded per session at most (Duet's limit too); beyond, assets are left to Duet. */
const SESSION_UPLOAD_BYTES = 64 << 20;
/** Addresses looked at per session at most. */
const MAX_ADDRESSES = 4_096;
/** Fetches at once. */
const PARALLEL_FETCHES = 4;
/** An offer goes out once this many assets are ready, or this long after the first. */
const OFFER_BATCH = 32;
const OFFER_WAIT_MS = 50;
/** Nested stylesheets followed (`@import` in `@import`). */
const MAX_CSS_DEPTH = 3;

interface Read {
  url: string;
  sha256: string;
  type: string;
  bytes: ArrayBuffer;
}

/** Sends one session's page assets to Duet. */
export class AssetSender {
  #origin: string;
  #path: string;
  #token: string;
  #seen = new Set<string>();
  #queue: { url: string; depth: number }[] = [];
  #running = 0;
  #ready: Read[] = [];
  #unreadable: string[] = [];
  #offerTimer: number | null = null;
  #uploaded = 0;
  #stopped = false;

  /** For session `sessionId` at Duet's `origin`, with the customer's session `token`. */
  constructor(origin: string, sessionId: string, token: string) {
    this.#origin = origin;
    this.#path = `/api/sessions/${encodeURIComponent(sessionId)}/assets`;
    this.#token = token;
  }

  /** Looks through one recorded event for addresses the mirror will load. */
  collect(event: unknown): void {
    if (this.#stopped || typeof event !== "object" || event === null) return;
    const data = (event as { data?: Record<string, unknown> }).data;
    if (typeof data !== "object" || data === null) return;
    const roots: unknown[] = [data["node"]];
    if (Array.isArray(data["adds"])) for (const add of data["adds"] as { node?: unknown; rule?: unknown }[]) {
      roots.push(add?.node);
      if (typeof add?.rule === "string") this.#css(add.rule, document.baseURI, 0);
    }
    if (Array.isArray(data["attributes"])) for (const change of data["attributes"] as { attributes?: unknown }[]) {
      roots.push({ type: 2, tagName: "", attributes: change?.attributes });
    }
    if (Array.isArray(data["styles"])) for (const sheet of data["styles"] as { rules?: { rule?: unknown }[] }[]) {
      for (const rule of sheet?.rules ?? []) if (typeof rule?.rule === "string") this.#css(rule.rule, document.baseURI, 0);
    }
    this.#walk(roots);
  }

  /** Stops sending; what is in flight is dropped. */
  stop(): void {
    this.#stopped = true;
    this.#queue = [];
    this.#ready = [];
    if (this.#offerTimer !== null) natives().clearTimeout(this.#offerTimer);
  }

  #walk(roots: unknown[]): void {
    const stack = roots;
    while (stack.length > 0) {
      const node = stack.pop() as SerializedNode | null | undefined;
      if (typeof node !== "object" || node === null) continue;
      if (node.type === 2 && typeof node.attributes === "object" && node.attributes !== null) this.#element(String(node.tagName ?? "").toLowerCase(), node.attributes);
      if (node.type === 3 && node.isStyle === true && typeof node.textContent === "string") this.#css(node.textContent, document.baseURI, 0);
      if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
    }
  }

  #element(tag: string, attributes: Record<string, unknown>): void {
    for (const name in attributes) {
      const value = attributes[name];
      const lower = name.toLowerCase();
      if (lower === "style" && typeof value === "object" && value !== null) {
        for (const property of Object.values(value as Record<string, unknown>)) {
          const text = Array.isArray(property) ? property[0] : property;
          if (typeof text === "string") this.#css(text, document.baseURI, 0);
        }
        continue;
      }
      if (typeof value !== "string") continue;
      if (LOADED_ATTRIBUTES.has(lower) && tag !== "iframe" && tag !== "frame") this.#want(value, 0);
      else if (lower === "srcset" || lower === "imagesrcset") for (const part of value.split(/,\s+/)) this.#want(part.trim().split(/\s+/)[0] ?? "", 0);
      else if (lower === "style" || lower === "_csstext") this.#css(value, document.baseURI, 0);
      else if ((lower === "href" || lower === "xlink:href") && tag !== "a" && tag !== "area" && tag !== "base") {
        if (tag !== "link" || linkShows(attributes)) this.#want(value, 0);
      }
    }
  }

  #css(text: string, base: string, depth: number): void {
    for (const reference of cssReferences(text)) this.#want(reference, depth, base);
  }

  // The mirror asks Duet for the address as the browser resolves it, without its fragment.
  #want(address: string, depth: number, base = document.baseURI): void {
    let url: URL;
    try {
      url = new URL(address.trim(), base);
    } catch {
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return;
    url.hash = "";
    const href = url.href;
    if (this.#seen.has(href) || this.#seen.size >= MAX_ADDRESSES) return;
    this.#seen.add(href);
    this.#queue.push({ url: href, depth });
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopped && this.#running < PARALLEL_FETCHES && this.#queue.length > 0) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      this.#running += 1;
      this.#read(next.url, next.depth)
        .catch(() => this.#unreadable.push(next.url))
        .finally(() => {
          this.#running -= 1;
          this.#scheduleOffer();
          this.#pump();
        });
    }
  }

  // Same-origin assets with the customer's cookies; others as CORS allows them, without, and
  // only those the page loaded itself (from the browser's cache): Duet never makes the
  // customer's browser ask another site for something the page did not.
  async #read(url: string, depth: number): Promise<void> {
    const sameOrigin = new URL(url).origin === location.origin;
    if (!sameOrigin && performance.getEntriesByName(url).length === 0) throw new Error("not loaded by the page");
    const response = await natives().fetch(url, {
      credentials: sameOrigin ? "same-origin" : "omit",
      mode: "cors",
      cache: "force-cache",
      referrerPolicy: "no-referrer",
    });
    const length = Number(response.headers.get("content-length") ?? "0");
    const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() || "application/octet-stream";
    if (!response.ok || length > MAX_ASSET_BYTES) throw new Error("unreadable");
    const bytes = await response.arrayBuffer();
    if (bytes.byteLength > MAX_ASSET_BYTES) throw new Error("too big");
    if (type === "text/css" && depth < MAX_CSS_DEPTH) this.#css(new TextDecoder().decode(bytes), response.url || url, depth + 1);
    const sha256 = hex(await natives().sha256(bytes));
    this.#ready.push({ url, sha256, type, bytes });
  }

  #scheduleOffer(): void {
    if (this.#stopped) return;
    const pending = this.#ready.length + this.#unreadable.length;
    if (pending === 0) return;
    if (pending >= OFFER_BATCH || (this.#running === 0 && this.#queue.length === 0)) {
      this.#offerNow();
      return;
    }
    this.#offerTimer ??= natives().setTimeout(() => this.#offerNow(), OFFER_WAIT_MS);
  }

  #offerNow(): void {
    if (this.#offerTimer !== null) natives().clearTimeout(this.#offerTimer);
    this.#offerTimer = null;
    const [ready, unreadable] = [this.#ready.splice(0, OFFER_BATCH), this.#unreadable.splice(0, OFFER_BATCH)];
    if (ready.length + unreadable.length === 0) return;
    const body = { read: ready.map(({ url, sha256, type }) => ({ url, sha256, type })), unreadable };
    callApi<{ missing: string[] }>(this.#origin, this.#path, { method: "POST", token: this.#token, body })
      .then((answer) => this.#upload(ready, new Set(answer.missing)))
      .catch(() => undefined)
      .finally(() => this.#scheduleOffer());
  }

  // One at a time: the page's own requests keep the connection's bandwidth.
  async #upload(ready: Read[], missing: Set<string>): Promise<void> {
    const sent = new Set<string>();
    for (const asset of ready) {
      if (this.#stopped || !missing.has(asset.sha256) || sent.has(asset.sha256)) continue;
      if (this.#uploaded + asset.bytes.byteLength > SESSION_UPLOAD_BYTES) return;
      sent.add(asset.sha256);
      this.#uploaded += asset.bytes.byteLength;
      await natives()
        .fetch(`${this.#origin}${this.#path}/${asset.sha256}`, {
          method: "PUT",
          headers: { "Content-Type": asset.type, Authorization: `Bearer ${this.#token}` },
          body: asset.bytes,
          credentials: "omit",
        })
        .catch(() => undefined);
    }
  }
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
