// Latest-wins scheduling at display rate, for pointers and batches.

import { natives } from "./natives";

/** Runs `task` with the latest value at most once per animation frame. */
export class LatestPerFrame<T> {
  #task: (value: T) => void;
  #pending: { value: T } | null = null;
  #scheduled = false;

  constructor(task: (value: T) => void) {
    this.#task = task;
  }

  /** Replaces the pending value; the task sees only the newest one. */
  push(value: T): void {
    this.#pending = { value };
    if (this.#scheduled) return;
    this.#scheduled = true;
    natives().requestAnimationFrame(() => this.#run());
  }

  #run(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = null;
    if (pending !== null) this.#task(pending.value);
  }
}
