// What a parent page and a cross-origin child page running Duet's script say to each other
// (`frameparent.ts`, `framechild.ts`): an invite, a join carrying a MessagePort, then, over the
// port, the parent's requests and the child's recorded events.

/** The parent asks its iframe's page to join (posted to the iframe's origin only). */
export const FRAME_INVITE = "duet-frame-invite";
/** The child joins (posted to the parent's origin only, which Duet said is a site of the same
 * tenant), with the port its events will come over. */
export const FRAME_JOIN = "duet-frame-join";

/** What the parent asks over the port: a full snapshot (also how recording starts), or the end. */
export interface ToChild {
  type: "snapshot" | "stop";
}

/** What the child sends over the port: rrweb events, masked in the child. */
export interface FromChild {
  events: unknown[];
}

/** Whether `data` is Duet's frame message `kind`. */
export function isFrameMessage(data: unknown, kind: string): boolean {
  return typeof data === "object" && data !== null && (data as { duet?: unknown }).duet === kind;
}
