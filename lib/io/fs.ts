/**
 * The file-system effects the store needs, behind one small interface, with
 * a real implementation on Deno's APIs and an in-memory one for examples and
 * fault-injection tests.
 *
 * @module
 */

/** What {@linkcode FileSystem.stat} reports. */
export interface FileInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** Modification time in ms since the epoch, when known. */
  mtimeMs: number | null;
}

/** A held exclusive lock; release it exactly once. */
export interface LockHandle {
  /** Releases the lock and closes its descriptor. */
  release(): Promise<void>;
}

/** Options for {@linkcode FileSystem.writeFile}. */
export interface WriteFileOptions {
  /** Append instead of truncating. */
  append?: boolean;
  /** Mode for a newly created file. */
  mode?: number;
  /** fsync after writing. */
  sync?: boolean;
}

/**
 * File-system operations used by the store. Paths are absolute or relative
 * to the process working directory; `/` is the separator.
 */
export interface FileSystem {
  /** Reads a whole file, or returns `null` when it does not exist. */
  readFile(path: string): Promise<Uint8Array | null>;
  /**
   * Replaces a file atomically: a uniquely named temp file in the same
   * directory (mode 0600), all bytes, fsync, rename over the target, fsync
   * of the directory. On failure the target is untouched.
   */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /**
   * Appends with exactly one `write` on an O_APPEND descriptor (created if
   * missing), then fdatasync. Returns the number of bytes the write took,
   * which callers must check.
   */
  appendOnce(path: string, data: Uint8Array): Promise<number>;
  /** Writes (or appends to) a file with ordinary semantics. */
  writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void>;
  /** Size and last byte of a file, or `null` when it does not exist. */
  tail(path: string): Promise<{ size: number; lastByte: number | null } | null>;
  /** Metadata (following symlinks), or `null` when the path does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  /** Creates a directory and its parents; succeeds when it exists. */
  mkdirp(path: string): Promise<void>;
  /** Removes a file; succeeds when it is already gone. */
  remove(path: string): Promise<void>;
  /** Renames a file, replacing the target. */
  rename(from: string, to: string): Promise<void>;
  /** Copies a file's bytes (and mode) to a new path. */
  copyFile(from: string, to: string): Promise<void>;
  /** Names of a directory's entries. */
  readDir(path: string): Promise<string[]>;
  /**
   * Tries once to take an exclusive `flock` on `path` (opened read+write,
   * created, never truncated). Returns `null` when another holder has it.
   */
  tryLock(path: string): Promise<LockHandle | null>;
}

function isNotFound(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return path.slice(0, i);
}

const TEMP_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function tempName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  let s = ".tmp";
  for (const b of bytes) s += TEMP_ALPHABET[b % TEMP_ALPHABET.length];
  return s;
}

/**
 * The real file system, on Deno's APIs.
 *
 * @example Replace a file atomically and lock it, in a temp dir
 * ```ts
 * import { DenoFileSystem } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const fs = new DenoFileSystem();
 * const dir = await Deno.makeTempDir();
 * try {
 *   await fs.writeFileAtomic(`${dir}/x.txt`, new TextEncoder().encode("hi\n"));
 *   assert.equal(new TextDecoder().decode((await fs.readFile(`${dir}/x.txt`))!), "hi\n");
 *   assert.deepEqual(await fs.readDir(dir), ["x.txt"]); // no temp file left behind
 *   assert.equal(await fs.readFile(`${dir}/missing.txt`), null);
 *
 *   const lock = await fs.tryLock(`${dir}/x.lock`);
 *   assert.ok(lock !== null);
 *   assert.equal(await fs.tryLock(`${dir}/x.lock`), null); // held
 *   await lock.release();
 *   const again = await fs.tryLock(`${dir}/x.lock`);
 *   assert.ok(again !== null);
 *   await again.release();
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class DenoFileSystem implements FileSystem {
  /** Reads a whole file, or `null` when missing. */
  async readFile(path: string): Promise<Uint8Array | null> {
    try {
      return await Deno.readFile(path);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** Atomic replace: temp + fsync + rename + directory fsync. */
  async writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    const dir = dirname(path);
    let tmp = "";
    let file: Deno.FsFile | undefined;
    for (let attempt = 0;; attempt++) {
      tmp = `${dir}/${tempName()}`;
      try {
        file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
        break;
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists) || attempt >= 10) throw e;
      }
    }
    let renamed = false;
    try {
      let off = 0;
      while (off < data.length) off += await file.write(data.subarray(off));
      await file.sync();
      file.close();
      file = undefined;
      await Deno.rename(tmp, path);
      renamed = true;
      await syncDir(dir);
    } finally {
      file?.close();
      if (!renamed) await Deno.remove(tmp).catch(() => {});
    }
  }

  /** One write on an O_APPEND descriptor, then fdatasync. */
  async appendOnce(path: string, data: Uint8Array): Promise<number> {
    const file = await Deno.open(path, { append: true, create: true });
    try {
      const n = await file.write(data);
      await file.syncData();
      return n;
    } finally {
      file.close();
    }
  }

  /** Ordinary write or append. */
  async writeFile(path: string, data: Uint8Array, options: WriteFileOptions = {}): Promise<void> {
    const file = await Deno.open(path, {
      write: true,
      create: true,
      append: options.append ?? false,
      truncate: !options.append,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
    try {
      let off = 0;
      while (off < data.length) off += await file.write(data.subarray(off));
      if (options.sync) await file.sync();
    } finally {
      file.close();
    }
  }

  /** Size and last byte. */
  async tail(path: string): Promise<{ size: number; lastByte: number | null } | null> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    try {
      const { size } = await file.stat();
      if (size === 0) return { size, lastByte: null };
      await file.seek(size - 1, Deno.SeekMode.Start);
      const buf = new Uint8Array(1);
      const n = await file.read(buf);
      return { size, lastByte: n === 1 ? buf[0]! : null };
    } finally {
      file.close();
    }
  }

  /** Metadata, or `null` when missing. */
  async stat(path: string): Promise<FileInfo | null> {
    try {
      const s = await Deno.stat(path);
      return {
        isFile: s.isFile,
        isDirectory: s.isDirectory,
        size: s.size,
        mtimeMs: s.mtime?.getTime() ?? null,
      };
    } catch (e) {
      if (isNotFound(e) || e instanceof Deno.errors.NotADirectory) return null;
      throw e;
    }
  }

  /** `mkdir -p`. */
  async mkdirp(path: string): Promise<void> {
    await Deno.mkdir(path, { recursive: true });
  }

  /** Removes a file, ignoring a missing one. */
  async remove(path: string): Promise<void> {
    try {
      await Deno.remove(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Renames over the target. */
  async rename(from: string, to: string): Promise<void> {
    await Deno.rename(from, to);
  }

  /** Copies bytes and mode. */
  async copyFile(from: string, to: string): Promise<void> {
    await Deno.copyFile(from, to);
  }

  /** Entry names. */
  async readDir(path: string): Promise<string[]> {
    const out: string[] = [];
    for await (const e of Deno.readDir(path)) out.push(e.name);
    return out;
  }

  /** One non-blocking attempt at an exclusive flock. */
  async tryLock(path: string): Promise<LockHandle | null> {
    const file = await Deno.open(path, { read: true, write: true, create: true, truncate: false });
    let ok = false;
    try {
      ok = await file.tryLock(true);
    } finally {
      if (!ok) file.close();
    }
    if (!ok) return null;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await file.unlock();
        } finally {
          file.close();
        }
      },
    };
  }
}

async function syncDir(dir: string): Promise<void> {
  let d: Deno.FsFile | undefined;
  try {
    d = await Deno.open(dir, { read: true });
    await d.sync();
  } catch {
    // Directory fsync is an improvement over upstream; some platforms refuse it.
  } finally {
    d?.close();
  }
}

/** A fault to inject into {@linkcode MemoryFileSystem}. */
export type MemoryFault = "write" | "sync" | "rename" | "append";

/**
 * An in-memory file system. Locks are exclusive within the instance. Faults
 * can be injected to test failure paths.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const fs = new MemoryFileSystem();
 * await fs.mkdirp("/p");
 * await fs.writeFileAtomic("/p/a", new TextEncoder().encode("x"));
 * assert.equal(new TextDecoder().decode((await fs.readFile("/p/a"))!), "x");
 * ```
 */
export class MemoryFileSystem implements FileSystem {
  readonly #files = new Map<string, { data: Uint8Array; mtimeMs: number }>();
  readonly #dirs = new Set<string>(["/", "."]);
  readonly #locks = new Set<string>();
  readonly #faults = new Set<MemoryFault>();
  #tick = 0;

  /** Makes the next operation of this kind fail (once). */
  failNext(fault: MemoryFault): void {
    this.#faults.add(fault);
  }

  #fault(kind: MemoryFault): void {
    if (this.#faults.delete(kind)) throw new Deno.errors.PermissionDenied(`injected ${kind} fault`);
  }

  #parentExists(path: string): void {
    if (!this.#dirs.has(dirname(path))) {
      throw new Deno.errors.NotFound(`No such directory: ${path}`);
    }
  }

  #put(path: string, data: Uint8Array): void {
    this.#files.set(path, { data, mtimeMs: ++this.#tick });
  }

  /** Reads a file, or `null`. */
  readFile(path: string): Promise<Uint8Array | null> {
    const f = this.#files.get(path);
    return Promise.resolve(f ? f.data.slice() : null);
  }

  /** Atomic replace (faults: write, sync, rename leave the target untouched). */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    try {
      this.#parentExists(path);
      this.#fault("write");
      this.#fault("sync");
      this.#fault("rename");
      this.#put(path, data.slice());
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Single append (fault: append writes nothing). */
  appendOnce(path: string, data: Uint8Array): Promise<number> {
    try {
      this.#parentExists(path);
      this.#fault("append");
      const old = this.#files.get(path)?.data ?? new Uint8Array();
      const next = new Uint8Array(old.length + data.length);
      next.set(old);
      next.set(data, old.length);
      this.#put(path, next);
      return Promise.resolve(data.length);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Write or append. */
  writeFile(path: string, data: Uint8Array, options: WriteFileOptions = {}): Promise<void> {
    if (options.append) return this.appendOnce(path, data).then(() => {});
    try {
      this.#parentExists(path);
      this.#fault("write");
      this.#put(path, data.slice());
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Size and last byte. */
  tail(path: string): Promise<{ size: number; lastByte: number | null } | null> {
    const f = this.#files.get(path);
    if (!f) return Promise.resolve(null);
    const n = f.data.length;
    return Promise.resolve({ size: n, lastByte: n === 0 ? null : f.data[n - 1]! });
  }

  /** Metadata. */
  stat(path: string): Promise<FileInfo | null> {
    const f = this.#files.get(path);
    if (f) {
      return Promise.resolve({
        isFile: true,
        isDirectory: false,
        size: f.data.length,
        mtimeMs: f.mtimeMs,
      });
    }
    if (this.#dirs.has(path)) {
      return Promise.resolve({ isFile: false, isDirectory: true, size: 0, mtimeMs: null });
    }
    return Promise.resolve(null);
  }

  /** `mkdir -p`. */
  mkdirp(path: string): Promise<void> {
    let p = path;
    while (p !== "/" && p !== "." && p !== "") {
      if (this.#files.has(p)) return Promise.reject(new Deno.errors.AlreadyExists(p));
      this.#dirs.add(p);
      p = dirname(p);
    }
    return Promise.resolve();
  }

  /** Removes a file. */
  remove(path: string): Promise<void> {
    this.#files.delete(path);
    return Promise.resolve();
  }

  /** Renames a file. */
  rename(from: string, to: string): Promise<void> {
    const f = this.#files.get(from);
    if (!f) return Promise.reject(new Deno.errors.NotFound(from));
    this.#files.delete(from);
    this.#files.set(to, f);
    return Promise.resolve();
  }

  /** Copies a file. */
  copyFile(from: string, to: string): Promise<void> {
    const f = this.#files.get(from);
    if (!f) return Promise.reject(new Deno.errors.NotFound(from));
    this.#put(to, f.data.slice());
    return Promise.resolve();
  }

  /** Entry names directly under a directory. */
  readDir(path: string): Promise<string[]> {
    const prefix = path.endsWith("/") ? path : path + "/";
    const names = new Set<string>();
    for (const p of [...this.#files.keys(), ...this.#dirs]) {
      if (p.startsWith(prefix) && p.length > prefix.length) {
        names.add(p.slice(prefix.length).split("/")[0]!);
      }
    }
    return Promise.resolve([...names].sort());
  }

  /** Exclusive within this instance. */
  tryLock(path: string): Promise<LockHandle | null> {
    if (this.#locks.has(path)) return Promise.resolve(null);
    this.#locks.add(path);
    if (!this.#files.has(path)) this.#put(path, new Uint8Array());
    let released = false;
    return Promise.resolve({
      release: () => {
        if (!released) {
          released = true;
          this.#locks.delete(path);
        }
        return Promise.resolve();
      },
    });
  }
}
