/**
 * What the store operations (`lib/store/ops/`) need from a
 * {@linkcode TaskStore} beyond its public surface: its effects, settings and
 * reusable buffers. Registered by the store's constructor; reachable only
 * from inside `lib/store`.
 *
 * @module
 */

import type { Clock } from "../io/clock.ts";
import type { WarningSink } from "../io/warning.ts";
import type { RandomBytes } from "./id.ts";
import type { ScratchFile } from "./_scratch.ts";

/** A store's effects and settings, as the operations use them. */
export interface StoreInternals {
  /** Clock for timestamps and events. */
  clock: Clock;
  /** Receives warnings about skipped lines. */
  warn: WarningSink;
  /** How long to wait for the lock. */
  lockTimeoutMs: number;
  /** Randomness for new IDs (default: crypto). */
  random: RandomBytes | undefined;
  /**
   * Runs `fn` with read and encode buffers reused across the store's reads
   * and writes (a set no other call uses meanwhile).
   */
  withScratch<T>(fn: (scratch: ScratchFile) => Promise<T>): Promise<T>;
}

const REGISTRY = new WeakMap<object, StoreInternals>();

/**
 * Registers a store's internals (called by its constructor).
 *
 * @param store The store.
 * @param internals Its effects and settings.
 */
export function registerInternals(store: object, internals: StoreInternals): void {
  REGISTRY.set(store, internals);
}

/**
 * A store's internals.
 *
 * @param store The store.
 * @returns Its effects and settings.
 */
export function internalsOf(store: object): StoreInternals {
  const i = REGISTRY.get(store);
  if (i === undefined) throw new TypeError("Not a TaskStore");
  return i;
}
