/**
 * Reading a whole file into a buffer that the caller keeps and passes again,
 * so that a large file read again and again leaves no garbage behind.
 *
 * @module
 */

/** What {@linkcode readFileReusing} read. */
export interface ReusedRead {
  /** The file's bytes: a view of `buffer`. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The buffer to pass next time: the one given, or a bigger one. */
  buffer: Uint8Array<ArrayBuffer>;
}

/**
 * Reads the file at `path` into `buffer`, growing it (by a quarter more than
 * the file's size, or doubling when the file grows while it is read) when
 * it is too small.
 *
 * @param path The file.
 * @param buffer The buffer to read into.
 * @returns The bytes and the buffer to keep, or `null` when the file does not exist.
 *
 * @example
 * ```ts
 * import { readFileReusing } from "./read_reusing.ts";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "hello\n");
 * const first = (await readFileReusing(path, new Uint8Array(0)))!;
 * assert.equal(new TextDecoder().decode(first.bytes), "hello\n");
 * const again = (await readFileReusing(path, first.buffer))!;
 * assert.equal(again.buffer, first.buffer);
 * assert.equal(await readFileReusing(`${path}.missing`, again.buffer), null);
 * await Deno.remove(path);
 * ```
 */
export async function readFileReusing(
  path: string,
  buffer: Uint8Array<ArrayBuffer>,
): Promise<ReusedRead | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    const size = (await file.stat()).size;
    let buf = buffer;
    if (buf.length < size + 1) buf = new Uint8Array(Math.ceil((size + 1) * 1.25));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        // The file grew while it was read: make room, keep what was read.
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      const r = await file.read(buf.subarray(n));
      if (r === null) break;
      n += r;
    }
    return { bytes: buf.subarray(0, n), buffer: buf };
  } finally {
    file.close();
  }
}
