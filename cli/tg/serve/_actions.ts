/**
 * The changes the page can make, each one a store operation with the
 * arguments the matching `tg` command passes: add (`tg add`), edit title,
 * priority, description and tags (`tg edit`), the status commands (`tg do`,
 * `done`, `todo`, `block`, `unblock`) and notes (`tg note`). The board has
 * no write path of its own: the rules and the error messages are the
 * operations', and a refused change answers with the message (and hint)
 * `tg` prints.
 *
 * @module
 */

import { TaskStoreError } from "../../../lib/store/errors.ts";
import type { Item } from "../../../lib/store/item.ts";
import { addItem } from "../../../lib/store/ops/add.ts";
import { editItem } from "../../../lib/store/ops/edit.ts";
import { addNote } from "../../../lib/store/ops/note.ts";
import {
  blockItem,
  completeItem,
  reopenItem,
  startItem,
  type StatusOutcome,
  unblockItem,
} from "../../../lib/store/ops/status.ts";
import type { TaskStore } from "../../../lib/store/store.ts";
import { tgHint } from "../_hints.ts";

/** The actions on one item, by their path segment. */
export const ITEM_ACTIONS: readonly string[] = [
  "do",
  "done",
  "todo",
  "block",
  "unblock",
  "edit",
  "note",
];

/** What a change answered. */
export interface ActionResult {
  /** HTTP status. */
  status: number;
  /** The JSON body. */
  body: Record<string, unknown>;
}

/** A request body the page sent that does not have the expected shape (400). */
export class BadRequest extends Error {
  /** @param message What is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "BadRequest";
  }
}

type Body = Record<string, unknown>;

function optString(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new BadRequest(`'${key}' must be a string`);
  return v;
}

function optStrings(body: Body, key: string): string[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new BadRequest(`'${key}' must be a list of strings`);
  }
  return v;
}

/** `--priority` as `tg` parses it (an i64), with the same messages. */
function optPriority(body: Body): bigint | undefined {
  const raw = body.priority;
  if (raw === undefined || raw === null) return undefined;
  const v = typeof raw === "number" && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof v !== "string") throw new BadRequest("'priority' must be an integer");
  const label = "--priority <PRIORITY>";
  if (!/^[+-]?[0-9]+$/.test(v)) {
    throw new TaskStoreError(
      "InvalidInput",
      `invalid value '${v}' for '${label}': ${
        v === "" ? "cannot parse integer from empty string" : "invalid digit found in string"
      }`,
    );
  }
  const n = BigInt(v);
  if (n < -9223372036854775808n) {
    throw new TaskStoreError(
      "InvalidInput",
      `invalid value '${v}' for '${label}': number too small to fit in target type`,
    );
  }
  if (n > 9223372036854775807n) {
    throw new TaskStoreError(
      "InvalidInput",
      `invalid value '${v}' for '${label}': number too large to fit in target type`,
    );
  }
  return n;
}

/** The line `tg` prints for a status command, or its "already" note. */
function statusLine(outcome: StatusOutcome, line: (it: Item) => string): string {
  return outcome.changed ? line(outcome.item) : `Already ${outcome.status} (no change)`;
}

function ok(message: string, id: string | null): ActionResult {
  return { status: 200, body: { ok: true, message, id } };
}

/**
 * Adds an item (`POST /api/items`): `title`, and optionally `description`,
 * `priority`, `tags`, `deps`, `parent`.
 *
 * @param store The store.
 * @param body The request body.
 * @returns `Created item: ID - title`.
 */
export async function addAction(store: TaskStore, body: Body): Promise<ActionResult> {
  const title = optString(body, "title") ?? "";
  const item = await addItem(store, {
    title,
    description: optString(body, "description") || null,
    priority: optPriority(body) ?? 0n,
    tags: optStrings(body, "tags"),
    deps: optStrings(body, "deps"),
    parent: optString(body, "parent") || null,
  });
  return ok(`Created item: ${item.id} - ${item.title}`, item.id);
}

/**
 * Runs an action on an item (`POST /api/items/ID/ACTION`).
 *
 * @param store The store.
 * @param id The item's ID.
 * @param action One of {@linkcode ITEM_ACTIONS}.
 * @param body The request body.
 * @returns The line `tg` prints.
 */
export async function itemAction(
  store: TaskStore,
  id: string,
  action: string,
  body: Body,
): Promise<ActionResult> {
  switch (action) {
    case "do": {
      const claim = optString(body, "claim") || undefined;
      const outcome = await startItem(store, id, { claim });
      return ok(statusLine(outcome, (it) => `Started: ${it.id} - ${it.title} [doing]`), id);
    }
    case "done": {
      const outcome = await completeItem(store, id);
      return ok(statusLine(outcome, (it) => `Done: ${it.id} - ${it.title} [archived]`), id);
    }
    case "todo": {
      const outcome = await reopenItem(store, id);
      return ok(statusLine(outcome, (it) => `Returned to todo: ${it.id} - ${it.title}`), id);
    }
    case "block": {
      const reason = optString(body, "reason") || null;
      const outcome = await blockItem(store, id, { reason });
      return ok(statusLine(outcome, (it) => `Blocked: ${it.id} - ${it.title}`), id);
    }
    case "unblock": {
      const outcome = await unblockItem(store, id);
      return ok(
        statusLine(outcome, (it) => `Unblocked: ${it.id} - ${it.title} [${it.status}]`),
        id,
      );
    }
    case "edit": {
      const item = await editItem(store, {
        id,
        title: optString(body, "title"),
        priority: optPriority(body),
        description: optString(body, "description"),
        addTags: optStrings(body, "addTags"),
        rmTags: optStrings(body, "rmTags"),
      });
      return ok(`Updated item: ${item.id} - ${item.title}`, item.id);
    }
    case "note": {
      const text = optString(body, "text") ?? "";
      const ev = await addNote(store, id, text);
      return ok(`Noted: ${ev.task_id} - ${text}`, ev.task_id);
    }
    default:
      return { status: 404, body: { error: `Unknown action: ${action}` } };
  }
}

/**
 * The answer for an error a change threw: the message `tg` prints (without
 * `Error: `), its hint, and a status by kind: 404 for an unknown ID, 409
 * for a refused transition or claim, 400 for other user errors, 503 for a
 * busy lock, 500 for other system errors.
 *
 * @param e What was thrown.
 * @returns The response.
 */
export function errorResult(e: unknown): ActionResult {
  if (e instanceof BadRequest) return { status: 400, body: { error: e.message } };
  if (e instanceof TaskStoreError) {
    const body: Record<string, unknown> = { error: e.message, code: e.code };
    const hint = tgHint(e);
    if (hint !== undefined) body.hint = hint;
    const status = e.code === "ItemNotFound"
      ? 404
      : e.code === "InvalidTransition" || e.code === "AlreadyClaimed" ||
          e.code === "ParentHasChildren" || e.code === "CycleDetected" || e.code === "ParentCycle"
      ? 409
      : e.code === "LockTimeout"
      ? 503
      : e.exitCode === 1
      ? 400
      : 500;
    return { status, body };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { status: 500, body: { error: message } };
}
