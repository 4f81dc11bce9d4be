// Screen sharing inside a co-browse session, where `signal` reaches everyone else in the session:
// each page has a random peer id, addresses its signals, and ignores signals for others. The
// sharer announces itself (`sharing`), viewers ask for an offer (`watch`), and the sharer keeps
// one SharePeer per viewer. Customers watch agents' screens; agents watch the customer's.

import { SharePeer, isSignalData } from "./peer";
import type { IceServer, MeshSignal, SignalData } from "./protocol";

/** Who a page speaks for. */
export type MeshRole = "agent" | "customer";

/** What the owner of a mesh hears. */
export interface MeshEvents {
  /** A sharer's stream arrived (it replaces any stream shown before). */
  stream(stream: MediaStream, from: string): void;
}

/** One page's part in the session's screen sharing. */
export class ScreenMesh {
  /** This page's peer id, fresh on every page load. */
  readonly id = randomId();
  #role: MeshRole;
  #send: (data: MeshSignal) => void;
  #events: MeshEvents;
  #stream: MediaStream | null = null;
  #viewers = new Map<string, SharePeer>();
  #watching: { from: string; peer: SharePeer } | null = null;

  #iceServers: IceServer[] = [];

  constructor(role: MeshRole, send: (data: MeshSignal) => void, events: MeshEvents) {
    this.#role = role;
    this.#send = send;
    this.#events = events;
  }

  /** The STUN/TURN servers from the session's `welcome`. */
  setIceServers(servers: IceServer[]): void {
    this.#iceServers = servers;
  }

  /** Whether this page shares its screen now. */
  get sharing(): boolean {
    return this.#stream !== null;
  }

  /** Starts offering `stream` to every viewer; call after sending `share_start`. */
  share(stream: MediaStream): void {
    this.#closeViewers();
    this.#stream = stream;
    this.#post({ kind: "sharing" }, null);
  }

  /** Stops offering; the owner stops the tracks. */
  stopSharing(): void {
    this.#closeViewers();
    this.#stream = null;
  }

  /** Asks whoever shares now for an offer (on connect, or after a reconnect). */
  watch(): void {
    this.#post({ kind: "watch" }, null);
  }

  /** Nobody shares any more: drops the connection to the last sharer. */
  stopWatching(): void {
    this.#watching?.peer.close();
    this.#watching = null;
  }

  /** Handles one relayed `signal` payload; ignores what is not for this page. */
  receive(data: unknown): void {
    if (!isMeshSignal(data) || data.from === this.id || (data.to !== null && data.to !== this.id)) return;
    if ("kind" in data) {
      if (data.kind === "sharing" && data.role !== this.#role) this.#post({ kind: "watch" }, data.from);
      else if (data.kind === "watch" && data.role !== this.#role) void this.#offerTo(data.from);
      return;
    }
    const signal = data as SignalData & { from: string };
    const viewer = this.#viewers.get(data.from);
    if (viewer !== undefined) {
      void viewer.receive(signal).catch(() => undefined);
      return;
    }
    if (data.role !== this.#role) void this.#fromSharer(data.from, signal);
  }

  /** Closes every connection. */
  close(): void {
    this.stopSharing();
    this.stopWatching();
  }

  async #offerTo(viewer: string): Promise<void> {
    const stream = this.#stream;
    if (stream === null) return;
    this.#viewers.get(viewer)?.close();
    const peer = new SharePeer(this.#iceServers, (signal) => this.#post(signal, viewer));
    this.#viewers.set(viewer, peer);
    await peer.offer(stream).catch(() => undefined);
  }

  async #fromSharer(from: string, signal: SignalData): Promise<void> {
    const offer = "description" in signal && signal.description.type === "offer";
    if (offer && this.#watching !== null) this.stopWatching();
    if (offer) {
      const peer = new SharePeer(this.#iceServers, (data) => this.#post(data, from));
      peer.connection.addEventListener("track", (event) => {
        this.#events.stream(event.streams[0] ?? new MediaStream([event.track]), from);
      });
      this.#watching = { from, peer };
    }
    if (this.#watching?.from === from) await this.#watching.peer.receive(signal).catch(() => undefined);
  }

  #post(body: { kind: "sharing" | "watch" } | SignalData, to: string | null): void {
    this.#send({ ...body, from: this.id, to, role: this.#role } as MeshSignal);
  }

  #closeViewers(): void {
    for (const peer of this.#viewers.values()) peer.close();
    this.#viewers.clear();
  }
}

function randomId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function isMeshSignal(value: unknown): value is MeshSignal {
  if (typeof value !== "object" || value === null) return false;
  const { from, to, role, kind } = value as { from?: unknown; to?: unknown; role?: unknown; kind?: unknown };
  if (typeof from !== "string" || (to !== null && typeof to !== "string")) return false;
  if (role !== "agent" && role !== "customer") return false;
  return kind === "sharing" || kind === "watch" || isSignalData(value);
}
