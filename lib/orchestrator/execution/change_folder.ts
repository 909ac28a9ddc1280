/**
 * The change folder of an item (pg.md §8.3): `changes/{id}_{slug}`, found by
 * its `{id}_` prefix or created from the title.
 *
 * @module
 */

import type { FileSystem } from "../../io/fs.ts";
import { isSafeName, slugify } from "./safe_name.ts";

/** Options for {@linkcode ensureChangeFolder}. */
export interface ChangeFolderOptions {
  /** File system. */
  fs: FileSystem;
  /** Project root (absolute). */
  root: string;
  /**
   * Resolves symlinks (default `Deno.realPath`); the folder must resolve
   * inside the root.
   */
  realPath?: (path: string) => Promise<string>;
}

/** Why the change folder cannot be used. */
export class ChangeFolderError extends Error {
  /**
   * Builds the error.
   *
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "ChangeFolderError";
  }
}

/**
 * Finds the item's change folder (the first directory of `changes/`, in
 * name order, whose name starts with `{id}_`) or creates
 * `changes/{id}_{slug(title)}` (`{id}_untitled` when the slug is empty).
 *
 * @param id The item ID (must be a safe name).
 * @param title The item title.
 * @param options File system and root.
 * @returns The folder's absolute path.
 * @throws {ChangeFolderError} For an unsafe ID or a folder that resolves
 *   outside the root (e.g. a symlink).
 */
export async function ensureChangeFolder(
  id: string,
  title: string,
  options: ChangeFolderOptions,
): Promise<string> {
  if (!isSafeName(id)) {
    throw new ChangeFolderError(`Unsafe item ID for a change folder: ${JSON.stringify(id)}`);
  }
  const { fs, root } = options;
  const realPath = options.realPath ?? Deno.realPath;
  const realRoot = await realPath(root);
  const inside = async (path: string) => {
    const real = await realPath(path);
    return real === realRoot || real.startsWith(realRoot.endsWith("/") ? realRoot : realRoot + "/")
      ? null
      : real;
  };
  const changes = `${root}/changes`;
  await fs.mkdirp(changes);
  const outsideChanges = await inside(changes);
  if (outsideChanges !== null) {
    throw new ChangeFolderError(`changes/ resolves outside the project root (${outsideChanges})`);
  }
  let name: string | undefined;
  const entries = (await fs.readDir(changes)).filter((n) => n.startsWith(`${id}_`)).sort();
  for (const n of entries) {
    if ((await fs.stat(`${changes}/${n}`))?.isDirectory) {
      name = n;
      break;
    }
  }
  name ??= `${id}_${slugify(title) || "untitled"}`;
  const folder = `${changes}/${name}`;
  await fs.mkdirp(folder);
  const outside = await inside(folder);
  if (outside !== null) {
    throw new ChangeFolderError(
      `Change folder changes/${name} resolves outside the project root (${outside})`,
    );
  }
  return folder;
}
