/**
 * Names that end up in file names. Item IDs and phase names come from files
 * a person or an agent can edit (the store, the config); before pg builds a
 * path from one (change folders, result files) it must be a plain file-name
 * component: no `/`, no `..`, no control characters, no shell syntax.
 *
 * @module
 */

import { unsafeNameReason } from "./agents/result_file.ts";

/**
 * Whether a name can be used inside a file name: 1–200 ASCII letters,
 * digits, `.`, `_` or `-`, starting with a letter or digit, and no `..`
 * (the rule of the result-file paths, {@linkcode unsafeNameReason} in
 * `agents/result_file.ts`).
 *
 * @param name The name.
 * @returns Whether it is safe.
 *
 * @example
 * ```ts
 * import { isSafeName } from "./safe_name.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isSafeName("WRK-a1b2c"), true);
 * assert.equal(isSafeName("tech-research"), true);
 * assert.equal(isSafeName("../etc"), false);
 * assert.equal(isSafeName("x;rm -rf ~"), false);
 * assert.equal(isSafeName(""), false);
 * ```
 */
export function isSafeName(name: string): boolean {
  return unsafeNameReason(name) === null;
}

/**
 * Shows a name in a message: quoted, with newlines and control characters
 * escaped so they are visible.
 *
 * @param name The name.
 * @returns The display form.
 */
export function displayName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `'${name}'` : JSON.stringify(name);
}

/**
 * Why an item cannot run, when its ID or phase name is not a safe file
 * name component.
 *
 * @param itemId The item ID.
 * @param phase The phase name (`triage` for triage).
 * @returns The reason, or `null` when both are safe.
 */
export function unsafeNamesReason(itemId: string, phase: string): string | null {
  const id = unsafeNameReason(itemId);
  if (id !== null) return `Item ID ${displayName(itemId)} cannot be used in file names: ${id}`;
  const ph = unsafeNameReason(phase);
  if (ph !== null) return `Phase name ${displayName(phase)} cannot be used in file names: ${ph}`;
  return null;
}

/** Longest slug kept (file names are limited to 255 bytes). */
export const MAX_SLUG_LENGTH = 80;

/**
 * The slug of a title (pg.md §8.3): lower-case, every character that is not
 * an ASCII letter or digit becomes `-`, runs of `-` collapse, no `-` at
 * either end; cut to {@linkcode MAX_SLUG_LENGTH} characters. The result is
 * always a safe name (or empty).
 *
 * @param title The title.
 * @returns The slug.
 */
export function slugify(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "")
    .slice(0, MAX_SLUG_LENGTH).replace(/-+$/, "");
}
