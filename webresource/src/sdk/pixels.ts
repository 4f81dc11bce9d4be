// What the customer sees of an image or a canvas, as a `data:` URL the agent's mirror can show:
// drawn at the size it is shown at (or its own, if smaller or not shown), at most `maxSide` on its
// longer side, encoded as WebP; `blobimages.ts` and `canvases.ts` share it.

/** How one kind of picture is encoded, and how large it may be. */
export interface PixelLimits {
  /** The longest side drawn, in pixels. */
  maxSide: number;
  /** The longest `data:` URL sent, in characters. */
  maxChars: number;
  /** The WebP quality, 0–1. */
  quality: number;
}

/** `source` (`own` pixels, shown in `element`'s box) as a `data:` URL within `limits`; null when
 * it cannot be read (a tainted canvas, nothing drawn) or is too large even so. */
export function pixelsOf(source: CanvasImageSource, own: { w: number; h: number }, element: Element, limits: PixelLimits): string | null {
  if (own.w === 0 || own.h === 0) return null;
  const shown = element.getBoundingClientRect();
  const ratio = globalThis.devicePixelRatio || 1;
  const wanted = shown.width > 0 && shown.height > 0 ? Math.min(1, (shown.width * ratio) / own.w, (shown.height * ratio) / own.h) : 1;
  const scale = Math.min(wanted, limits.maxSide / Math.max(own.w, own.h));
  const copy = document.createElement("canvas");
  copy.width = Math.max(1, Math.round(own.w * scale));
  copy.height = Math.max(1, Math.round(own.h * scale));
  try {
    const context = copy.getContext("2d");
    if (context === null) return null;
    context.drawImage(source, 0, 0, copy.width, copy.height);
    const data = copy.toDataURL("image/webp", limits.quality);
    return data.length <= limits.maxChars && data.startsWith("data:image/") ? data : null;
  } catch {
    return null; // Pixels tainted by another origin, or no memory for the copy.
  }
}
