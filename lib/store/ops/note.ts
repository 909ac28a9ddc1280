/**
 * Notes in an item's log (`tg note`).
 *
 * @module
 */

import { invalidInput } from "../errors.ts";
import type { TaskEvent } from "../events.ts";
import type { TaskStore } from "../store.ts";
import { writeStore } from "./_write.ts";

/**
 * Appends a note event to an active item's log, under the store lock
 * (**[Fix]** upstream did not lock, and could lose a note to a concurrent
 * archive move).
 *
 * @param store The store.
 * @param id The item, as typed (an archived item is refused).
 * @param text The note (not empty; its event line must fit 2048 bytes).
 * @returns The event written.
 * @throws {TaskStoreError} `InvalidInput` (empty, archived, too long), `ItemNotFound`,
 *   `AmbiguousId`, `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, addNote, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem(), author: () => Promise.resolve("me") });
 * await store.init();
 * const { id } = await addItem(store, { title: "Investigate" });
 * const ev = await addNote(store, id, "Reproduced on main");
 * assert.equal(ev.author, "me");
 * assert.deepEqual((await store.eventsFor(id)).map((e) => e.text), ["Reproduced on main"]);
 * ```
 */
export async function addNote(store: TaskStore, id: string, text: string): Promise<TaskEvent> {
  if (text === "") throw invalidInput("note text cannot be empty");
  return await writeStore(store, { kind: "all" }, async (w) => {
    const found = await w.resolve(id, { archive: true });
    if (w.item(found) === undefined) {
      throw invalidInput(
        `Cannot add note to archived task ${found}: notes are only permitted on active tasks`,
      );
    }
    return await w.note(found, text);
  });
}
