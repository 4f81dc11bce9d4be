// Where the mirror loads the customer's page's assets from: Duet, always. Every address an
// element, a style or a stylesheet would load (images, srcsets, posters, stylesheets, fonts and
// backgrounds in CSS) becomes Duet's `/page-assets/{session}/{key}?u=<address>`, which serves
// what the customer's browser read (or what Duet fetched from the tenant's own site); hints that
// only open connections (preconnect, prefetch) and meta refreshes are dropped. The console's
// Content-Security-Policy is the wall (images, fonts, media and styles only from Duet, data: and
// blob:); this is what makes the page look right within it.

import { LOADED_ATTRIBUTES, linkShows, rewriteCssReferences } from "../loads";

/** Rewrites the addresses of one customer's page for its mirror. */
export class AssetAddresses {
  /** `origin` + `/page-assets/{session}/{key}`, or "" when unknown: then nothing loads. */
  #prefix = "";
  /** The page's address, against which a relative address is read. */
  #page = "about:blank";

  /** Duet's prefix for this session's assets (the welcome's `page_assets`). */
  set prefix(prefix: string) {
    this.#prefix = prefix;
  }

  /** The customer's page address (rrweb's Meta event `href`). */
  set page(href: string) {
    this.#page = href;
  }

  /** `address` as the mirror loads it: through Duet, or "" (nothing) when it is not a web
   * address. `data:` and `blob:` stay (they load nothing from anywhere), as do fragments. */
  through(address: string): string {
    const trimmed = address.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return trimmed;
    let url: URL;
    try {
      url = new URL(trimmed, this.#page);
    } catch {
      return "";
    }
    if (url.protocol === "data:" || url.protocol === "blob:") return trimmed;
    if ((url.protocol !== "https:" && url.protocol !== "http:") || this.#prefix === "") return "";
    // The fragment stays on Duet's address (an SVG sprite's symbol): browsers never send it.
    const fragment = url.hash;
    url.hash = "";
    return `${this.#prefix}?u=${encodeURIComponent(url.href)}${fragment}`;
  }

  /** CSS text with each reference through Duet. */
  css(text: string): string {
    return rewriteCssReferences(text, (address) => this.through(address));
  }

  /** Rewrites the attributes of an element with this tag in place; `removed` is what a dropped
   * attribute becomes (`undefined` deletes it; `null` is a mutation's "remove"). */
  attributes(tagName: string, attributes: Record<string, unknown>, removed: null | undefined): void {
    const tag = tagName.toLowerCase();
    for (const name in attributes) {
      const value = attributes[name];
      const lower = name.toLowerCase();
      // rrweb sends a changed inline style as its changed properties: value, or [value, priority].
      if (lower === "style" && typeof value === "object" && value !== null) {
        this.#styleChanges(value as Record<string, unknown>);
        continue;
      }
      if (typeof value !== "string") continue;
      const rewritten = this.#attribute(tag, lower, value, attributes);
      if (rewritten === value) continue;
      if (rewritten === null) {
        if (removed === undefined) delete attributes[name];
        else attributes[name] = removed;
      } else {
        attributes[name] = rewritten;
      }
    }
  }

  #styleChanges(properties: Record<string, unknown>): void {
    for (const property in properties) {
      const value = properties[property];
      if (typeof value === "string") properties[property] = this.css(value);
      else if (Array.isArray(value) && typeof value[0] === "string") value[0] = this.css(value[0]);
    }
  }

  // The attribute's new value, the same when it loads nothing, or null to drop it.
  #attribute(tag: string, name: string, value: string, all: Record<string, unknown>): string | null {
    if (LOADED_ATTRIBUTES.has(name)) return tag === "iframe" || tag === "frame" ? null : this.through(value);
    if (name === "srcset" || name === "imagesrcset") return this.#srcset(value);
    if (name === "style" || name === "_csstext") return this.css(value);
    if (name === "ping" || name === "http-equiv") return null;
    if (name === "href" || name === "xlink:href") {
      if (tag === "a" || tag === "area") return value;
      if (tag === "base") return null;
      if (tag === "link") return this.#linked(value, all);
      return value.trim().startsWith("#") ? value : this.through(value);
    }
    return value;
  }

  // A link's href loads when it is a stylesheet, an icon or a preload; other kinds (preconnect,
  // dns-prefetch, prefetch, prerender, modulepreload, alternate…) are dropped.
  #linked(href: string, all: Record<string, unknown>): string | null {
    return linkShows(all) ? this.through(href) : null;
  }

  // As a browser reads a srcset: an address runs to the next space (a data: URL's commas
  // included), then its descriptors run to the next comma.
  #srcset(value: string): string {
    const candidates: string[] = [];
    let at = 0;
    while (at < value.length) {
      while (at < value.length && /[\s,]/.test(value[at] ?? "")) at += 1;
      if (at >= value.length) break;
      let end = at;
      while (end < value.length && !/\s/.test(value[end] ?? "")) end += 1;
      let address = value.slice(at, end);
      const trailing = /,+$/.exec(address);
      let descriptor = "";
      if (trailing !== null) {
        address = address.slice(0, trailing.index);
      } else {
        const comma = value.indexOf(",", end);
        const stop = comma === -1 ? value.length : comma;
        descriptor = value.slice(end, stop).trim();
        end = stop;
      }
      candidates.push(descriptor === "" ? this.through(address) : `${this.through(address)} ${descriptor}`);
      at = end;
    }
    return candidates.join(", ");
  }
}
