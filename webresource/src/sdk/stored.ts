// Where the customer's running session is kept so the next page of the site, a reload and a
// second tab all find it: localStorage, shared by every tab of the site's origin (sessionStorage
// when localStorage is off). Each tab of the session refreshes the entry while it is connected;
// an entry nobody refreshed for as long as Duet keeps a quiet session is forgotten, so a
// customer who comes back the next day starts afresh instead of seeing an old session end.

import { natives } from "../natives";

/** The storage key holding the running session. */
export const STORAGE_KEY = "duet.cobrowse";
/** An entry older than this is forgotten: Duet ends a session that quiet (DUET_INACTIVITY_SECS). */
export const FORGET_AFTER_MS = 15 * 60_000;
/** How often a connected tab refreshes the entry. */
export const REFRESH_MS = 30_000;

/** What is kept: the session's id and the customer's token for it. */
export interface Stored {
  sessionId: string;
  token: string;
}

/** localStorage when the browser allows it, else this tab's sessionStorage, else nothing. */
function storage(): Storage | null {
  for (const pick of [() => window.localStorage, () => window.sessionStorage]) {
    try {
      const store = pick();
      natives().storageGet(store, STORAGE_KEY);
      return store;
    } catch {
      // Storage can be off (privacy settings, sandboxed frames); try the next one.
    }
  }
  return null;
}

function read(store: Storage | null): string | null {
  return store === null ? null : natives().storageGet(store, STORAGE_KEY);
}

/** Keeps (or refreshes) the running session for the site's other pages and tabs. */
export function saveStored(stored: Stored, now = natives().dateNow()): void {
  try {
    const store = storage();
    if (store !== null) natives().storageSet(store, STORAGE_KEY, natives().stringify({ ...stored, savedAt: now }));
  } catch {
    // Storage full or off: the session still works until this page goes away.
  }
}

/** The running session another page or tab of the site kept, unless it is too old. */
export function loadStored(now = natives().dateNow()): Stored | null {
  return readStored(read(storage()), now);
}

/** Reads a stored entry (also the new value of a `storage` event); null when absent, invalid or stale. */
export function readStored(text: string | null, now = natives().dateNow()): Stored | null {
  try {
    const value: unknown = natives().parse(text ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const { sessionId, token, savedAt } = value as Partial<Stored & { savedAt: number }>;
    if (typeof sessionId !== "string" || typeof token !== "string") return null;
    if (typeof savedAt !== "number" || now - savedAt > FORGET_AFTER_MS) return null;
    return { sessionId, token };
  } catch {
    return null;
  }
}

/** Forgets the session `sessionId` (it ended); an entry of a newer session stays. */
export function clearStored(sessionId: string): void {
  try {
    const store = storage();
    // Any age: an ended session's entry goes however old it is.
    const kept = readStored(read(store), Number.NEGATIVE_INFINITY);
    if (store !== null && kept?.sessionId === sessionId) natives().storageRemove(store, STORAGE_KEY);
  } catch {
    // Nothing to clear.
  }
}
