/**
 * Raw store items and `PgItem` views shared by the adapter tests. Test-only,
 * never published (see `lib/_testing/README.md`).
 *
 * @module
 */

import { FixedClock } from "../io/clock.ts";
import { type Item, newItem } from "../store/item.ts";
import type { JsonObject, JsonValue } from "../store/json.ts";
import type { Status } from "../store/status.ts";
import { newPgItem, PgItem } from "../adapter/pg_item.ts";
import { applyUpdate } from "../adapter/item_update.ts";
import type { PgStatus } from "../adapter/pg_status.ts";

/** 2026-01-01T00:00:00Z */
export const T0 = "2026-01-01T00:00:00Z";
/** What the test clock returns: 2026-01-02T00:00:00Z. */
export const T1 = "2026-01-02T00:00:00Z";

/** A store item with the given native status and extensions. */
export function rawItem(
  status: Status,
  ext: Record<string, JsonValue> = {},
  fields: Partial<Item> = {},
): Item {
  const extensions: JsonObject = Object.create(null);
  for (const [k, v] of Object.entries(ext)) extensions[k] = v;
  return { ...newItem("WRK-001", "Item", T0, { extensions }), status, ...fields };
}

/** A PgItem whose warnings are collected and whose clock reads T1. */
export function view(item: Item): { pg: PgItem; warnings: string[] } {
  const warnings: string[] = [];
  const pg = new PgItem(item, {
    warn: (m) => warnings.push(m),
    clock: new FixedClock({ secs: 1767312000, nanos: 0 }),
  });
  return { pg, warnings };
}

/** The transitions that take a new pg item to each status, in order. */
const PATH_TO: Record<PgStatus, PgStatus[]> = {
  New: [],
  Scoping: ["Scoping"],
  Ready: ["Scoping", "Ready"],
  InProgress: ["Scoping", "Ready", "InProgress"],
  Done: ["Scoping", "Ready", "InProgress", "Done"],
  Blocked: ["Blocked"],
};

/**
 * Takes a new pg item to `status` through the transitions pg makes.
 *
 * @param pg A pg item in status New.
 * @param status Where it should end.
 */
export function advanceTo(pg: PgItem, status: PgStatus): void {
  for (const to of PATH_TO[status]) {
    if (!applyUpdate(pg, { kind: "TransitionStatus", to })) {
      throw new Error(`${pg.id}: the transition to ${to} was refused`);
    }
  }
}

/**
 * `n` Ready pg items `WRK-00000`, `WRK-00001`, … (for benchmarks).
 *
 * @param n How many.
 * @param now Their creation time.
 */
export function readyPgItems(n: number, now: string = T0): Item[] {
  return Array.from({ length: n }, (_, i) => {
    const it = newPgItem(`WRK-${String(i).padStart(5, "0")}`, `Benchmark item ${i}`, { now });
    advanceTo(new PgItem(it), "Ready");
    return it;
  });
}
