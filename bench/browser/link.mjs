// The agent's constrained link for the bench: `tc netem` in a network namespace when the kernel
// has it (linknetem.mjs), else the userspace emulator on loopback (linkemulator.mjs). Either way
// `expose()` gives a loopback origin whose connections cross the link to a target port, and the
// report says which link it was.

import { openEmulatedLink } from "./linkemulator.mjs";
import { netemAvailable, openNetemLink } from "./linknetem.mjs";

/** 5 Mbit/s each way, 80 ms round trip (issue #17). */
export const LINK = { rateBitsPerSecond: 5_000_000, oneWayDelayMs: 40 };

/** Opens the link: netem unless DUET_BENCH_LINK=userspace or the kernel lacks it. */
export async function openLink(shape = LINK) {
  const forced = process.env.DUET_BENCH_LINK;
  if (forced !== "userspace" && netemAvailable()) return openNetemLink(shape);
  const link = openEmulatedLink(shape);
  return forced === "userspace" ? link : { ...link, kind: `${link.kind} (this kernel has no netem qdisc)` };
}
