/**
 * Names that end up in file names. Item IDs and phase names come from files
 * a person or an agent can edit (the store, the config); before pg builds a
 * path from one (change folders, result files) it must be a plain file-name
 * component: no `/`, no `..`, no control characters, no shell syntax.
 *
 * @module
 */

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Whether a name can be used inside a file name: 1–128 ASCII letters,
 * digits, `.`, `_` or `-`, starting with a letter or digit, and no `..`.
 *
 * @param name The name.
 * @returns Whether it is safe.
 *
 * @example
 * ```ts ignore
 * isSafeName("WRK-a1b2c"); // true
 * isSafeName("../etc"); // false
 * isSafeName("x;rm -rf ~"); // false
 * ```
 */
export function isSafeName(name: string): boolean {
  return SAFE.test(name) && !name.includes("..");
}

/**
 * Shows a name in a message: JSON-quoted when it holds anything beyond
 * printable ASCII, so newlines and control characters are visible.
 *
 * @param name The name.
 * @returns The display form.
 */
export function displayName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `'${name}'` : JSON.stringify(name);
}

/**
 * Why an item cannot run, when its ID or phase name is not a safe name.
 *
 * @param itemId The item ID.
 * @param phase The phase name (`triage` for triage).
 * @returns The reason, or `null` when both are safe.
 */
export function unsafeNameReason(itemId: string, phase: string): string | null {
  if (!isSafeName(itemId)) {
    return `Item ID ${
      displayName(itemId)
    } cannot be used in file names (allowed: letters, digits, '.', '_', '-'; no '..')`;
  }
  if (!isSafeName(phase)) {
    return `Phase name ${
      displayName(phase)
    } cannot be used in file names (allowed: letters, digits, '.', '_', '-'; no '..')`;
  }
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
