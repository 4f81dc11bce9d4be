// Picking a screen, window or tab with `getDisplayMedia`, limited to the surfaces the tenant
// allows. Used inside co-browse by the agent console and the customer script.

import type { DisplaySurface } from "./protocol";

/** Every surface, when the policy carries no list. */
export const ALL_SURFACES: DisplaySurface[] = ["monitor", "window", "browser"];

const SURFACE_NAMES: Record<DisplaySurface, string> = {
  monitor: "a whole screen",
  window: "a window",
  browser: "a browser tab",
};

/** Options `getDisplayMedia` accepts beyond the DOM typings (Chromium's `preferCurrentTab`). */
type DisplayOptions = DisplayMediaStreamOptions & { preferCurrentTab?: boolean };

declare global {
  interface Window {
    /** Set by tests: offer the current tab first (headless Chromium captures it without a picker). */
    __duetPreferCurrentTab?: boolean;
  }
}

/** Whether this page asks the picker for the current tab (a test flag, or `?duetPreferCurrentTab`). */
export function prefersCurrentTab(): boolean {
  return window.__duetPreferCurrentTab === true || new URLSearchParams(location.search).has("duetPreferCurrentTab");
}

/** What the picker gave: a stream, or a sentence saying why there is none. */
export type Picked = { stream: MediaStream; track: MediaStreamTrack } | { problem: string };

/** Opens the browser's picker (call from a click) and checks the surface against `allowed`. */
export async function pickSurface(allowed: DisplaySurface[] = ALL_SURFACES, currentTab = prefersCurrentTab()): Promise<Picked> {
  let stream: MediaStream;
  try {
    const options: DisplayOptions = { video: true, audio: false };
    if (currentTab) options.preferCurrentTab = true;
    stream = await navigator.mediaDevices.getDisplayMedia(options);
  } catch (error) {
    const cancelled = error instanceof DOMException && error.name === "NotAllowedError";
    return {
      problem: cancelled
        ? "Nothing is shared yet: the picker was closed, or this page may not share the screen. Choose again when you are ready."
        : `Your browser could not share the screen (${String(error)}).`,
    };
  }
  const track = stream.getVideoTracks()[0];
  const surface = track?.getSettings().displaySurface as DisplaySurface | undefined;
  if (track === undefined || surface === undefined || !allowed.includes(surface)) {
    stopTracks(stream);
    const names = allowed.map((s) => SURFACE_NAMES[s]).join(" or ");
    return { problem: `This organisation does not allow sharing ${surface === undefined ? "that" : SURFACE_NAMES[surface]}. Choose again and pick ${names}.` };
  }
  return { stream, track };
}

/** Stops every track of `stream` (the browser's sharing indicator goes away). */
export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
