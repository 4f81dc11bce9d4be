// One side of the screen-share WebRTC connection. The customer offers (it has the track), the
// agent answers; descriptions and ICE candidates travel as `signal` frames through Duet.

import type { IceServer, SignalData } from "./protocol";

/** An RTCPeerConnection whose signalling goes out through `send`. */
export class SharePeer {
  readonly connection: RTCPeerConnection;
  #send: (data: SignalData) => void;
  /** Candidates that arrived before the remote description; added once it is set. */
  #early: RTCIceCandidateInit[] = [];

  constructor(iceServers: IceServer[], send: (data: SignalData) => void) {
    this.connection = new RTCPeerConnection({ iceServers });
    this.#send = send;
    this.connection.addEventListener("icecandidate", (event) => {
      this.#send({ candidate: event.candidate === null ? null : event.candidate.toJSON() });
    });
  }

  /** Customer: sends the stream's video track and an offer. */
  async offer(stream: MediaStream): Promise<void> {
    for (const track of stream.getVideoTracks()) this.connection.addTrack(track, stream);
    await this.connection.setLocalDescription();
    this.#sendDescription();
  }

  /** Applies the other side's description or candidate; answers an offer. */
  async receive(data: SignalData): Promise<void> {
    if ("description" in data) {
      await this.connection.setRemoteDescription(data.description);
      for (const candidate of this.#early.splice(0)) await this.connection.addIceCandidate(candidate);
      if (data.description.type === "offer") {
        await this.connection.setLocalDescription();
        this.#sendDescription();
      }
    } else if (data.candidate !== null) {
      if (this.connection.remoteDescription === null) this.#early.push(data.candidate);
      else await this.connection.addIceCandidate(data.candidate);
    }
  }

  /** Closes the connection; tracks it sent keep running until their owner stops them. */
  close(): void {
    this.connection.close();
  }

  #sendDescription(): void {
    const description = this.connection.localDescription;
    if (description !== null) this.#send({ description: description.toJSON() as RTCSessionDescriptionInit });
  }
}

/** Whether a frame was signal data this side understands. */
export function isSignalData(value: unknown): value is SignalData {
  if (typeof value !== "object" || value === null) return false;
  return "description" in value || "candidate" in value;
}
