/**
 * Input rules shared by the store operations.
 *
 * @module
 */

import { TaskStoreError } from "../errors.ts";

/**
 * The error for an item that must not leave the active file while it has
 * active children.
 *
 * @param id The parent.
 * @param action What was refused (`completed`, `removed`).
 * @param children The children's IDs.
 * @returns `ParentHasChildren`.
 */
export function parentHasChildren(
  id: string,
  action: string,
  children: readonly string[],
): TaskStoreError {
  return new TaskStoreError(
    "ParentHasChildren",
    `Item ${id} has children and cannot be ${action}: ${children.join(", ")}`,
  );
}
