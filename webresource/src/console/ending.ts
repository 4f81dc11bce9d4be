// How the console ends what it runs (a co-browse session or a screen share): on the socket, and
// through the API as well, so it ends even when the socket is down.

import { callApi } from "../api";
import type { DuetSocket } from "../socket";

/** Sends `end` on the socket and posts to `path`; resolves once Duet confirmed the end. */
export async function endEverywhere(socket: DuetSocket, origin: string, path: string, token: string): Promise<void> {
  socket.send({ type: "end" });
  await callApi<unknown>(origin, path, { method: "POST", token, keepalive: true });
}
