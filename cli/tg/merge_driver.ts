/**
 * `tg merge-driver BASE OURS THEIRS [PATH]`: the git merge driver for the
 * store's files (`git config merge.tg.driver "tg merge-driver %O %A %B %P"`,
 * `.gitattributes` entries written by `tg init`). Writes the merged file over
 * OURS and exits 0; exits non-zero only when a version cannot be read (git
 * then reports the file as conflicted and leaves our version in place).
 *
 * PATH (`%P`) picks the merge: `tasks.jsonl` by item ID, `archive*.jsonl` by
 * line, `events*.jsonl` by line in time order. Without it, a file whose first
 * line is a schema header is merged as `tasks.jsonl`, anything else as events.
 *
 * An item changed on both branches keeps the later `updated_at`; an item one
 * branch completed (its ID is in that branch's `archive.jsonl`) while the
 * other changed it stays completed; an item one branch removed with `rm`
 * while the other changed it is kept. Each such case is recorded as a `note`
 * event by author `tg merge-driver` on that task, whose text names the kept
 * side and gives the discarded fields as JSON. The note is appended to the
 * working tree's `events.jsonl` (`events.archive.jsonl` for a completed
 * task) and queued in `<git dir>/tg-merge-notes[.archive].jsonl`; when the
 * same merge also merges that events file (git runs the driver for
 * `tasks.jsonl` first), the queued notes go into the merged file and so into
 * the merge commit.
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { ioError } from "../../lib/store/errors.ts";
import {
  appendEvent,
  makeEvent,
  MAX_EVENT_LINE_BYTES,
  serializeEvent,
  type TaskEvent,
} from "../../lib/store/events.ts";
import {
  conflictNoteText,
  MERGE_NOTES_QUEUES,
  mergeArchiveFiles,
  mergeEventFiles,
  mergeTaskFiles,
} from "../../lib/store/merge.ts";
import { SystemClock } from "../../lib/io/clock.ts";
import { DenoFileSystem } from "../../lib/io/fs.ts";
import { dirname, resolve } from "../../lib/io/path.ts";
import type { TgContext } from "./_context.ts";

/** Author of the notes the driver writes. */
export const MERGE_DRIVER_AUTHOR = "tg merge-driver";
const PENDING = MERGE_NOTES_QUEUES;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

type Kind = "tasks" | "archive" | "events" | "events-archive";

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw ioError(new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e }));
  }
}

function kindOf(path: string | undefined, sample: Uint8Array): Kind {
  const name = path?.slice(path.lastIndexOf("/") + 1);
  if (name === "tasks.jsonl") return "tasks";
  if (name === "archive.jsonl" || name === "archive-pruned.jsonl") return "archive";
  if (name === "events.jsonl") return "events";
  if (name === "events.archive.jsonl") return "events-archive";
  const head = DECODER.decode(sample.subarray(0, 64)).trimStart();
  return head.startsWith('{"schema_version"') ? "tasks" : "events";
}

/** The repository's git directory, found from `cwd` (a `.git` directory or `gitdir:` file). */
async function gitDir(cwd: string): Promise<string | null> {
  const env = Deno.env.get("GIT_DIR");
  if (env) return resolve(cwd, env);
  for (let dir = cwd;; dir = dirname(dir)) {
    const dotGit = `${dir}/.git`;
    const info = await Deno.stat(dotGit).catch(() => null);
    if (info?.isDirectory) return dotGit;
    if (info?.isFile) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(await Deno.readTextFile(dotGit));
      if (m) return resolve(dir, m[1]!);
    }
    if (dir === "/" || dir === ".") return null;
  }
}

/** A note event for a conflict, its text shortened to fit the event line cap. */
function noteEvent(taskId: string, text: string): TaskEvent {
  const now = new SystemClock().now();
  let ev = makeEvent(taskId, "note", text, MERGE_DRIVER_AUTHOR, now);
  while (ENCODER.encode(serializeEvent(ev) + "\n").length > MAX_EVENT_LINE_BYTES) {
    const chars = [...ev.text];
    const excess = ENCODER.encode(serializeEvent(ev) + "\n").length - MAX_EVENT_LINE_BYTES;
    ev = makeEvent(
      taskId,
      "note",
      chars.slice(0, Math.max(0, chars.length - Math.max(excess, 1) - 1)).join("") + "…",
      MERGE_DRIVER_AUTHOR,
      now,
    );
  }
  return ev;
}

/** IDs of an archive file's readable lines. */
function archiveIds(bytes: Uint8Array | null): Set<string> {
  const ids = new Set<string>();
  if (bytes === null) return ids;
  for (const line of DECODER.decode(bytes).split("\n")) {
    const m = /^\{"id":("(?:[^"\\]|\\.)*")/.exec(line);
    if (m) {
      ids.add(JSON.parse(m[1]!));
    } else if (line.includes('"id"')) {
      try {
        const o = JSON.parse(line);
        if (typeof o?.id === "string") ids.add(o.id);
      } catch {
        // an unreadable line names no item
      }
    }
  }
  return ids;
}

/**
 * IDs in the other branch's `archive.jsonl`, read from the commit git names in
 * `GITHEAD_<sha>` (set for merge drivers); empty when unknown.
 */
async function theirArchiveIds(ctx: TgContext, repoPath: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let env: Record<string, string>;
  try {
    env = Deno.env.toObject();
  } catch {
    return ids;
  }
  for (const key of Object.keys(env)) {
    const sha = /^GITHEAD_([0-9a-f]{40,64})$/.exec(key)?.[1];
    if (!sha) continue;
    try {
      const out = await new Deno.Command("git", {
        args: ["show", `${sha}:${repoPath}`],
        cwd: ctx.io.cwd(),
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) { for (const id of archiveIds(out.stdout)) ids.add(id); }
    } catch {
      // no git: treat as unknown
    }
  }
  return ids;
}

/** Runs `tg merge-driver`. */
export async function mergeDriver(p: Parsed, ctx: TgContext): Promise<void> {
  const cwd = ctx.io.cwd();
  const basePath = resolve(cwd, p.args.base!);
  const oursPath = resolve(cwd, p.args.ours!);
  const theirsPath = resolve(cwd, p.args.theirs!);
  const [base, ours, theirs] = await Promise.all(
    [basePath, oursPath, theirsPath].map(readInput),
  );
  const kind = kindOf(p.args.path, ours!.length > 0 ? ours! : theirs!);
  const storeRel = p.args.path ? dirname(p.args.path) : ".task-golem";
  const storeDir = resolve(cwd, storeRel);
  let merged: Uint8Array;
  if (kind === "tasks") {
    const archivedOurs = archiveIds(
      await Deno.readFile(`${storeDir}/archive.jsonl`).catch(() => null),
    );
    const archivedTheirs = await theirArchiveIds(ctx, `${storeRel}/archive.jsonl`);
    const result = mergeTaskFiles(base!, ours!, theirs!, { archivedOurs, archivedTheirs });
    merged = result.bytes;
    for (const c of result.conflicts) {
      const target = c.completed ? "events-archive" : "events";
      const file = c.completed ? "events.archive.jsonl" : "events.jsonl";
      ctx.warn(
        `tg merge-driver: ${c.id}: ${
          c.completed
            ? `completed on ${c.kept}, changed on the other branch; kept it completed`
            : c.discarded === null
            ? `removed on one branch, changed on ${c.kept}; kept the change`
            : `changed on both branches; kept ${c.kept} (updated_at ${c.keptItem!.updated_at})`
        }; noted in ${file}`,
      );
      await recordNote(storeDir, file, target, cwd, noteEvent(c.id, conflictNoteText(c)), ctx);
    }
  } else if (kind === "archive") {
    merged = mergeArchiveFiles(base!, ours!, theirs!);
  } else {
    merged = mergeEventFiles(base!, ours!, theirs!, await takePending(cwd, kind));
  }
  try {
    await Deno.writeFile(oursPath, merged);
  } catch (e) {
    throw ioError(e);
  }
}

/** Appends a note to the working tree's log and queues it for a merge of that log. */
async function recordNote(
  storeDir: string,
  file: string,
  target: "events" | "events-archive",
  cwd: string,
  ev: TaskEvent,
  ctx: TgContext,
): Promise<void> {
  try {
    await appendEvent(new DenoFileSystem(), `${storeDir}/${file}`, ev);
  } catch (e) {
    ctx.warn(`tg merge-driver: could not append to ${storeDir}/${file}: ${e}`);
  }
  const dir = await gitDir(cwd);
  if (dir === null) return;
  const line = serializeEvent(ev) + "\n";
  try {
    await Deno.writeFile(`${dir}/${PENDING[target]}`, ENCODER.encode(line), { append: true });
  } catch (e) {
    ctx.warn(`tg merge-driver: could not queue the note in ${dir}/${PENDING[target]}: ${e}`);
  }
}

/** Reads and removes the notes queued for this events file. */
async function takePending(cwd: string, kind: "events" | "events-archive"): Promise<string[]> {
  const dir = await gitDir(cwd);
  if (dir === null) return [];
  const path = `${dir}/${PENDING[kind]}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return [];
  }
  await Deno.remove(path).catch(() => {});
  return text.split("\n").filter((l) => l.trim() !== "");
}
