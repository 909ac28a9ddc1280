/**
 * The tools of `tg mcp`: one per `tg` command an agent needs, named like
 * the command, with the command's parameter names. Each tool calls the
 * command's result function (`listResult`, `addResult`, …) and returns both
 * forms of the result: the `--json` output as structured content and the
 * text beside it. Loaded only by `tg mcp` (it imports zod).
 *
 * @module
 */

import { z } from "zod";
import { invalidInput } from "../../lib/store/errors.ts";
import { serializeEvent } from "../../lib/store/events.ts";
import type { JsonObject } from "../../lib/store/json.ts";
import { STATUSES } from "../../lib/store/status.ts";
import { collectOutput, type TgContext, type TgResult } from "./_context.ts";
import { addResult } from "./add.ts";
import { blockResult } from "./block.ts";
import { depAddResult, depRmResult } from "./dep.ts";
import { doResult } from "./do.ts";
import { doneResult } from "./done.ts";
import { editResult } from "./edit.ts";
import { listResult } from "./list.ts";
import { nextResult } from "./next.ts";
import { noteResult } from "./note.ts";
import { queryResult } from "./query.ts";
import { readyResult } from "./ready.ts";
import { showResult } from "./show.ts";
import { todoResult } from "./todo.ts";
import { unblockResult } from "./unblock.ts";

/** What a tool returns: the structured content and the text. */
export interface ToolOutput {
  /** The data of `tg <command> --json` (an array or `null` wrapped in an object). */
  structured: JsonObject;
  /** What `tg <command>` prints. */
  text: string;
}

/** One tool: its name, description, schemas and what it runs. */
export interface McpTool {
  /** Tool name (the command's, `dep add` as `dep_add`). */
  name: string;
  /** One line. */
  description: string;
  /** The parameters (without `root`, which every tool takes). */
  input: z.ZodObject;
  /** The shape of the structured content, where it helps an agent read it. */
  output?: z.ZodType;
  /** Reads only. */
  readOnly: boolean;
  /** Calling it again with the same arguments changes nothing more. */
  idempotent: boolean;
  /** Runs the tool against the store that `ctx` finds. */
  run(ctx: TgContext, args: Record<string, unknown>): Promise<ToolOutput>;
}

const ID = z.string().describe("Item ID: full, the part after the prefix, or a unique prefix");
const IDS = (what: string) => z.array(z.string()).describe(what);
const SETS = z.array(z.string()).describe(
  "Extension fields as KEY=VALUE: KEY starts with x-, dots nest, VALUE is JSON if it parses, KEY= deletes",
);

const nullable = z.string().nullable();
/** An item as `tg show --json` prints it; extension fields (`x-…`) follow the listed ones. */
const ITEM = z.looseObject({
  id: z.string(),
  title: z.string(),
  status: z.enum(STATUSES),
  priority: z.number(),
  description: nullable,
  tags: z.array(z.string()),
  dependencies: z.array(z.string()),
  "created_at": z.string(),
  "updated_at": z.string(),
  "blocked_reason": nullable,
  "blocked_from_status": nullable,
  "claimed_by": nullable,
  "claimed_at": nullable,
  parent: nullable,
});
const EVENT = z.looseObject({
  "task_id": z.string(),
  ts: z.string(),
  author: z.string(),
  type: z.string(),
  text: z.string(),
});

const TEXT = { color: false, terminal: false } as const;

/** Both forms of a result; `shape` turns the parsed `--json` output into an object. */
async function output(
  result: TgResult,
  shape: (json: unknown) => JsonObject = (json) => json as JsonObject,
): Promise<ToolOutput> {
  const json = JSON.parse(await collectOutput((write) => result.writeJson(write)));
  const text = await collectOutput((write) => result.writeText(write, TEXT));
  return { structured: shape(json), text };
}

/** A priority from a JSON number. */
function priority(n: unknown): bigint | undefined {
  return n === undefined ? undefined : BigInt(n as number);
}

/** A whole number as the command line's text, or `undefined`. */
function numberText(n: unknown): string | undefined {
  return n === undefined ? undefined : String(n);
}

const str = (v: unknown) => v as string;
const optStr = (v: unknown) => v as string | undefined;
const optStrs = (v: unknown) => v as string[] | undefined;

/** The tools, in the order `tools/list` gives them. */
export const MCP_TOOLS: readonly McpTool[] = [
  {
    name: "list",
    description:
      "List items by priority: active ones, or one status (done = archived); as `tg list`",
    input: z.strictObject({
      status: z.enum(STATUSES).optional().describe("Only this status (done lists the archive)"),
      tag: z.string().optional().describe("Only items with this tag"),
      parent: z.string().optional().describe("Only the direct children of this item"),
    }),
    output: z.object({ items: z.array(ITEM) }),
    readOnly: true,
    idempotent: true,
    run: async (ctx, a) => {
      const request = { status: optStr(a.status), tag: optStr(a.tag), parent: optStr(a.parent) };
      return await output(await listResult(ctx, request), (items) => ({ items } as JsonObject));
    },
  },
  {
    name: "ready",
    description:
      "Items ready to start (todo, dependencies done), highest priority first; as `tg ready`",
    input: z.strictObject({
      limit: z.number().int().min(0).optional().describe("At most this many items"),
      "include_stale": z.string().optional().describe(
        "Also doing items not updated for this long (e.g. 4h, 30m)",
      ),
      "include_expired": z.boolean().optional().describe(
        "Also doing items whose claim has expired",
      ),
    }),
    output: z.object({ items: z.array(ITEM) }),
    readOnly: true,
    idempotent: true,
    run: async (ctx, a) => {
      const request = {
        limit: numberText(a.limit),
        includeStale: optStr(a.include_stale),
        includeExpired: a.include_expired as boolean | undefined,
      };
      return await output(await readyResult(ctx, request), (items) => ({ items } as JsonObject));
    },
  },
  {
    name: "next",
    description: "The ready item to work on next (item is null when none); as `tg next`",
    input: z.strictObject({}),
    output: z.object({ item: ITEM.nullable() }),
    readOnly: true,
    idempotent: true,
    run: async (ctx) => await output(await nextResult(ctx), (item) => ({ item } as JsonObject)),
  },
  {
    name: "show",
    description: "One item, active or archived, optionally with its event log; as `tg show`",
    input: z.strictObject({
      id: ID,
      events: z.boolean().optional().describe("Add the item's events (oldest first)"),
    }),
    output: ITEM.extend({ events: z.array(EVENT).optional() }),
    readOnly: true,
    idempotent: true,
    run: async (ctx, a) => {
      const result = await showResult(ctx, { id: str(a.id), events: a.events as boolean });
      return await output(result, (item) => {
        if (result.events === undefined) return item as JsonObject;
        const events = result.events.map((e) => JSON.parse(serializeEvent(e)));
        return { ...(item as JsonObject), events };
      });
    },
  },
  {
    name: "add",
    description: "Add a todo item and return it with its new ID; as `tg add`",
    input: z.strictObject({
      title: z.string().describe("Title (one line)"),
      description: z.string().optional().describe("Description"),
      priority: z.number().int().optional().describe("Priority, higher first (default 0)"),
      deps: IDS("Items it waits for").optional(),
      tags: IDS("Tags").optional(),
      parent: z.string().optional().describe("Parent item"),
      sets: SETS.optional(),
    }),
    readOnly: false,
    idempotent: false,
    run: async (ctx, a) => {
      const result = await addResult(ctx, {
        title: str(a.title),
        description: optStr(a.description) ?? null,
        priority: priority(a.priority) ?? 0n,
        deps: optStrs(a.deps),
        tags: optStrs(a.tags),
        parent: optStr(a.parent) ?? null,
        sets: optStrs(a.sets),
      });
      return await output(result);
    },
  },
  {
    name: "edit",
    description:
      "Change an item's title, priority, description, deps, tags, fields or parent; as `tg edit`",
    input: z.strictObject({
      id: ID,
      title: z.string().optional().describe("New title"),
      priority: z.number().int().optional().describe("New priority"),
      description: z.string().optional().describe("New description"),
      "add_deps": IDS("Dependencies to add").optional(),
      "rm_deps": IDS("Dependencies to remove").optional(),
      "add_tags": IDS("Tags to add").optional(),
      "rm_tags": IDS("Tags to remove").optional(),
      sets: SETS.optional(),
      parent: z.string().optional().describe("New parent"),
      "parent_clear": z.boolean().optional().describe("Remove the parent"),
    }),
    readOnly: false,
    idempotent: false,
    run: async (ctx, a) => {
      if (a.parent !== undefined && a.parent_clear) {
        throw invalidInput("parent and parent_clear cannot be used together");
      }
      const result = await editResult(ctx, {
        id: str(a.id),
        title: optStr(a.title),
        priority: priority(a.priority),
        description: optStr(a.description),
        rmDeps: optStrs(a.rm_deps),
        addDeps: optStrs(a.add_deps),
        addTags: optStrs(a.add_tags),
        rmTags: optStrs(a.rm_tags),
        sets: optStrs(a.sets),
        parent: optStr(a.parent),
        parentClear: a.parent_clear as boolean | undefined,
      });
      return await output(result);
    },
  },
  {
    name: "do",
    description: "Start an item (todo to doing), claimed for you; as `tg do`",
    input: z.strictObject({
      id: ID,
      claim: z.string().optional().describe("Your agent name; others' live claims are refused"),
      ttl: z.string().optional().describe("The claim expires after this long (e.g. 30m, 2h)"),
    }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) =>
      await output(
        await doResult(ctx, { id: str(a.id), claim: optStr(a.claim), ttl: optStr(a.ttl) }),
      ),
  },
  {
    name: "done",
    description: "Finish an item and move it to the archive; as `tg done`",
    input: z.strictObject({ id: ID }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) => await output(await doneResult(ctx, str(a.id))),
  },
  {
    name: "todo",
    description: "Return a doing item to todo, releasing its claim; as `tg todo`",
    input: z.strictObject({ id: ID }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) => await output(await todoResult(ctx, str(a.id))),
  },
  {
    name: "block",
    description: "Block an item, e.g. when it needs a human decision; as `tg block`",
    input: z.strictObject({
      id: ID,
      reason: z.string().optional().describe("Why, and what would unblock it"),
    }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) =>
      await output(await blockResult(ctx, { id: str(a.id), reason: optStr(a.reason) })),
  },
  {
    name: "unblock",
    description: "Unblock an item: it gets back its previous status; as `tg unblock`",
    input: z.strictObject({ id: ID }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) => await output(await unblockResult(ctx, str(a.id))),
  },
  {
    name: "note",
    description: "Add a note (progress, findings, decisions) to an item's event log; as `tg note`",
    input: z.strictObject({ id: ID, text: z.string().describe("The note (not empty)") }),
    readOnly: false,
    idempotent: false,
    run: async (ctx, a) => await output(await noteResult(ctx, str(a.id), str(a.text))),
  },
  {
    name: "dep_add",
    description: "Make an item wait for another; as `tg dep add`",
    input: z.strictObject({
      id: ID,
      "depends_on": z.string().describe("The item it waits for"),
    }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) => await output(await depAddResult(ctx, str(a.id), str(a.depends_on))),
  },
  {
    name: "dep_rm",
    description: "Remove a dependency; as `tg dep rm`",
    input: z.strictObject({ id: ID, "dep_id": z.string().describe("The dependency to remove") }),
    readOnly: false,
    idempotent: true,
    run: async (ctx, a) => await output(await depRmResult(ctx, str(a.id), str(a.dep_id))),
  },
  {
    name: "query",
    description:
      "One read-only SQL query over the active items (tasks, task_tags, task_deps, task_view); as `tg query`",
    input: z.strictObject({
      sql: z.string().optional().describe("One SELECT (or WITH, VALUES, permitted PRAGMA)"),
      timeout: z.number().int().min(0).optional().describe("Seconds it may run (default 5)"),
      schema: z.boolean().optional().describe("Return the tables, columns and rules instead"),
    }),
    readOnly: true,
    idempotent: true,
    run: async (ctx, a) => {
      if (a.schema) {
        const { schemaDocument } = await import("./_query_schema.ts");
        const text = schemaDocument();
        return { structured: { schema: text }, text };
      }
      const sql = optStr(a.sql);
      if (sql === undefined) throw invalidInput("query requires sql (or schema: true)");
      const request = { sql, timeout: numberText(a.timeout) };
      return await output(await queryResult(ctx, request, { json: true, text: true }));
    },
  },
];
