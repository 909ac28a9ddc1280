/**
 * Input rules shared by the store operations.
 *
 * @module
 */

import { invalidInput, TaskStoreError } from "../errors.ts";

/**
 * Checks an item title: one line, not blank.
 *
 * @param title The title.
 * @throws {TaskStoreError} `InvalidInput`.
 */
export function validateTitle(title: string): void {
  if (title.includes("\n") || title.includes("\r")) {
    throw invalidInput("Title must be a single line (no newlines)");
  }
  if (title.trim() === "") throw invalidInput("Title cannot be empty");
}

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
