/**
 * Watching a directory for changes, as an injectable effect: a stream of
 * wake-ups (what changed is not reported; the caller looks for itself),
 * ended by `close()`. `pg run --watch` uses it to notice `tg add`.
 *
 * @module
 */

/** Changes under a directory, one wake-up per file-system event. */
export interface DirWatch extends AsyncIterable<void> {
  /** Stops watching; the iteration ends. */
  close(): void;
}

/** Starts watching a directory (recursively). */
export type WatchDir = (path: string) => DirWatch;

/**
 * Watches with `Deno.watchFs`.
 *
 * @param path The directory.
 * @returns The watch; close it when done.
 *
 * @example Notice a file written in a directory
 * ```ts ignore
 * import { denoWatchDir } from "./dir_watch.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const watch = denoWatchDir(dir);
 * setTimeout(() => Deno.writeTextFile(`${dir}/a.txt`, "x"), 10);
 * for await (const _ of watch) break; // woke up
 * watch.close();
 * ```
 */
export function denoWatchDir(path: string): DirWatch {
  const watcher = Deno.watchFs(path, { recursive: true });
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      watcher.close();
    },
    async *[Symbol.asyncIterator]() {
      for await (const _ of watcher) yield;
    },
  };
}
