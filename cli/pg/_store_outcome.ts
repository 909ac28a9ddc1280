/**
 * Turning "the item is not active" into the failed outcome that `pg advance`
 * and `pg unblock` report.
 *
 * @module
 */

import { TaskStoreError } from "../../lib/store/errors.ts";

/**
 * A rejection handler: the store's `ItemNotFound` becomes
 * `{ ok: false, error: "Item not found: ID" }`; anything else is rethrown.
 *
 * @param id The item's ID.
 * @returns The handler.
 */
export function notFound(id: string): (e: unknown) => { ok: false; error: string } {
  return (e) => {
    if (e instanceof TaskStoreError && e.code === "ItemNotFound") {
      return { ok: false, error: `Item not found: ${id}` };
    }
    throw e;
  };
}
