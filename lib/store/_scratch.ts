/**
 * Reading and encoding a large file again and again (the run loop reads
 * `tasks.jsonl` several times per phase) without a fresh multi-megabyte
 * buffer each time: the bytes go into buffers that are kept and reused.
 * Fresh buffers are freed late and add up to hundreds of megabytes on a
 * large store.
 *
 * @module
 */

import { DenoFileSystem, type FileSystem } from "../io/fs.ts";
import { readFileReusing } from "../io/read_reusing.ts";

const ENCODER = new TextEncoder();

/**
 * Reusable read and encode buffers. A returned view is valid until the next
 * call of the same method; copy it to keep it.
 *
 * @example Read, change one range, and see that views are reused
 * ```ts
 * import { MemoryFileSystem } from "@golem/golem";
 * import { ScratchFile } from "./_scratch.ts";
 * import assert from "node:assert/strict";
 *
 * const fs = new MemoryFileSystem();
 * await fs.mkdirp("/repo");
 * await fs.writeFileAtomic("/repo/a.txt", new TextEncoder().encode("hello world\n"));
 * const scratch = new ScratchFile(fs);
 *
 * const bytes = (await scratch.read("/repo/a.txt"))!;
 * const changed = scratch.splice(bytes, 6, 11, "golem");
 * assert.equal(new TextDecoder().decode(changed), "hello golem\n");
 * assert.equal(await scratch.read("/repo/missing.txt"), null);
 *
 * // The next encode reuses the buffer behind `changed`: copy a view to keep it.
 * const kept = changed.slice();
 * const again = scratch.encode("bye");
 * assert.equal(again.buffer, changed.buffer);
 * assert.equal(new TextDecoder().decode(changed.subarray(0, 3)), "bye");
 * assert.equal(new TextDecoder().decode(kept), "hello golem\n");
 * ```
 */
export class ScratchFile {
  readonly #fs: FileSystem;
  readonly #direct: boolean;
  #readBuf = new Uint8Array(0);
  #encodeBuf = new Uint8Array(0);

  /**
   * Binds the buffers to a file system. The real file system reads into the
   * buffer; any other one is read through its `readFile`.
   *
   * @param fs The file system.
   */
  constructor(fs: FileSystem) {
    this.#fs = fs;
    this.#direct = fs instanceof DenoFileSystem;
  }

  /**
   * Reads a whole file into the read buffer.
   *
   * @param path The file.
   * @returns A view of its bytes, or `null` when it does not exist.
   */
  async read(path: string): Promise<Uint8Array | null> {
    if (!this.#direct) return await this.#fs.readFile(path);
    const read = await readFileReusing(path, this.#readBuf);
    if (read === null) return null;
    this.#readBuf = read.buffer;
    return read.bytes;
  }

  /**
   * Replaces `bytes[start, end)` with the UTF-8 of `text`, into the encode
   * buffer (`bytes` may be a view of the read buffer).
   *
   * @param bytes The original bytes.
   * @param start First byte replaced.
   * @param end First byte kept after the replaced range.
   * @param text The replacement.
   * @returns A view of the new bytes.
   */
  splice(bytes: Uint8Array, start: number, end: number, text: string): Uint8Array {
    const max = start + text.length * 3 + (bytes.length - end);
    if (this.#encodeBuf.length < max) this.#encodeBuf = new Uint8Array(Math.ceil(max * 1.1));
    const out = this.#encodeBuf;
    out.set(bytes.subarray(0, start), 0);
    const { written } = ENCODER.encodeInto(text, out.subarray(start));
    out.set(bytes.subarray(end), start + written);
    return out.subarray(0, start + written + (bytes.length - end));
  }

  /**
   * Encodes text as UTF-8 into the encode buffer.
   *
   * @param text The text.
   * @returns A view of the bytes.
   */
  encode(text: string): Uint8Array {
    const max = text.length * 3;
    if (this.#encodeBuf.length < max) this.#encodeBuf = new Uint8Array(Math.ceil(max * 1.1));
    const { written } = ENCODER.encodeInto(text, this.#encodeBuf);
    return this.#encodeBuf.subarray(0, written);
  }
}
