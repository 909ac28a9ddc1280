/**
 * Test helpers for the store and its operations: a memory file system that
 * records every mutating call, a store on it with a fixed clock, and seeding.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Clock, FixedClock, type Instant } from "../io/clock.ts";
import {
  type FileSystem,
  type LockHandle,
  MemoryFileSystem,
  type WriteFileOptions,
} from "../io/fs.ts";
import { TaskStoreError, type TaskStoreErrorCode } from "../store/errors.ts";
import type { TaskEvent } from "../store/events.ts";
import type { RandomBytes } from "../store/id.ts";
import { type Item, newItem } from "../store/item.ts";
import { importItems } from "../store/ops/add.ts";
import { TaskStore } from "../store/store.ts";
import { formatTimestamp } from "../store/timestamp.ts";

export const DIR = "/repo/.task-golem";
export const START = { secs: 1767225600, nanos: 0 }; // 2026-01-01T00:00:00Z

/** A clock that reads the same instant (from {@linkcode START}) until the test moves it. */
export class ManualClock implements Clock {
  #secs = START.secs;
  /** The current instant. */
  now(): Instant {
    return { secs: this.#secs, nanos: 0 };
  }
  /** Moves the clock forward. */
  advance(secs: number): void {
    this.#secs += secs;
  }
  /** The current instant as a canonical timestamp. */
  get stamp(): string {
    return formatTimestamp(this.now());
  }
}
export const ENC = new TextEncoder();
export const DEC = new TextDecoder();

/** A memory file system that also records every mutating call, in order. */
export class RecordingFs implements FileSystem {
  readonly inner = new MemoryFileSystem();
  readonly log: string[] = [];

  #name(path: string): string {
    return path.startsWith(DIR + "/") ? path.slice(DIR.length + 1) : path;
  }
  readFile(path: string): Promise<Uint8Array | null> {
    return this.inner.readFile(path);
  }
  async writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    await this.inner.writeFileAtomic(path, data);
    this.log.push(`rewrite ${this.#name(path)}`);
  }
  async appendOnce(path: string, data: Uint8Array): Promise<number> {
    const n = await this.inner.appendOnce(path, data);
    this.log.push(`append ${this.#name(path)}`);
    return n;
  }
  async writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void> {
    await this.inner.writeFile(path, data, options);
    this.log.push(`write ${this.#name(path)}`);
  }
  tail(path: string) {
    return this.inner.tail(path);
  }
  stat(path: string) {
    return this.inner.stat(path);
  }
  mkdirp(path: string): Promise<void> {
    return this.inner.mkdirp(path);
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  copyFile(from: string, to: string): Promise<void> {
    return this.inner.copyFile(from, to);
  }
  readDir(path: string): Promise<string[]> {
    return this.inner.readDir(path);
  }
  tryLock(path: string): Promise<LockHandle | null> {
    return this.inner.tryLock(path);
  }
}

export interface Setup {
  fs: RecordingFs;
  mem: MemoryFileSystem;
  store: TaskStore;
  warnings: string[];
}

/** Options for {@linkcode setup}. */
export interface SetupOptions {
  /** Lock timeout (default 5000 ms). */
  lockTimeoutMs?: number;
  /** Clock (default: {@linkcode START}, advancing 1 µs per reading). */
  clock?: Clock;
  /** Randomness for new IDs (default: crypto). */
  random?: RandomBytes;
  /** Author of events (default: `tester@example.com`). */
  author?: () => Promise<string>;
}

export async function setup(options: SetupOptions = {}): Promise<Setup> {
  const fs = new RecordingFs();
  const warnings: string[] = [];
  const store = new TaskStore(DIR, {
    fs,
    clock: options.clock ?? new FixedClock(START, 1_000),
    author: options.author ?? (() => Promise.resolve("tester@example.com")),
    warn: (m) => warnings.push(m),
    lockTimeoutMs: options.lockTimeoutMs ?? 5000,
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  await store.init();
  fs.log.length = 0;
  return { fs, mem: fs.inner, store, warnings };
}

export async function text(fs: FileSystem, path: string): Promise<string | null> {
  const b = await fs.readFile(path);
  return b === null ? null : DEC.decode(b);
}

export async function lines(fs: FileSystem, path: string): Promise<string[]> {
  const t = await text(fs, path);
  if (t === null || t === "") return [];
  assert.ok(t.endsWith("\n"), `${path} must end with a newline`);
  return t.slice(0, -1).split("\n");
}

export function item(id: string, title = `Title ${id}`): Item {
  return newItem(id, title, "2026-01-01T00:00:00Z");
}

export async function seed(s: Setup, ...ids: string[]): Promise<void> {
  await importItems(s.store, { active: ids.map((id) => item(id)) });
  s.fs.log.length = 0;
}

/** The events of a log, parsed, in file order (a missing log has none). */
export async function eventLog(fs: FileSystem, path: string): Promise<TaskEvent[]> {
  return (await lines(fs, path)).map((l) => JSON.parse(l) as TaskEvent);
}

/** Asserts that `run` rejects with a store error of this code and message. */
export async function rejectsWith(
  run: Promise<unknown>,
  code: TaskStoreErrorCode,
  message: string | RegExp,
): Promise<void> {
  await assert.rejects(run, (e) => {
    assert.ok(e instanceof TaskStoreError, `expected a TaskStoreError, got ${e}`);
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

/** A test item with some fields set. */
export function withFields(id: string, fields: Partial<Item>): Item {
  return Object.assign(item(id), fields);
}

/**
 * Runs `fn` (which must not write) and checks that no file was written:
 * no mutating call was recorded, and the item files and the event log are
 * as they were.
 */
export async function writesNothing(s: Setup, fn: () => Promise<void>): Promise<void> {
  const files = [s.store.tasksPath, s.store.archivePath, s.store.eventsPath];
  const before = await Promise.all(files.map((f) => text(s.mem, f)));
  s.fs.log.length = 0;
  await fn();
  assert.deepEqual(s.fs.log, []);
  assert.deepEqual(await Promise.all(files.map((f) => text(s.mem, f))), before);
}
