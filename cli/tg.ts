/**
 * `tg`, the task-golem CLI: a task tracker for humans and coding agents that
 * keeps its tasks in `.task-golem/` inside a git repository. Run it from JSR,
 * or install it:
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-env --allow-run=git,xdg-open,open '--allow-net=127.0.0.1,localhost,[::1]' jsr:@golem/golem/tg list
 * deno install -g -f -n tg --allow-read --allow-write --allow-env --allow-run=git,xdg-open,open '--allow-net=127.0.0.1,localhost,[::1]' jsr:@golem/golem/tg
 * ```
 *
 * This module is the command table and the dispatcher. Each command's entry
 * carries the loader of its code, which is imported only when that command
 * runs. Its exports serve the CLI's tests; the library is the package's main
 * export.
 *
 * @module
 */

import { type CommandSpec, type OptSpec, parseArgs, type Parsed } from "./_args.ts";
import { DenoIo, type Io } from "./_io.ts";
import { reportError } from "./_main.ts";
import type { TgContext } from "./tg/_context.ts";
import { VERSION } from "./_version.ts";

const ID_ARG = { name: "id", required: true, help: "Item ID (full, bare suffix, or prefix)" };

const GLOBALS: OptSpec[] = [
  { long: "json", help: "Output in JSON format", global: true },
  { long: "verbose", help: "Enable verbose diagnostics on stderr", global: true },
];

const SET_OPT: OptSpec = {
  long: "set",
  value: "SETS",
  multiple: true,
  help: "Set an extension field (repeatable, KEY=VALUE format; KEY= deletes)",
};

/**
 * The module of `tg mcp`, imported by a specifier that is not a string
 * literal: Deno builds the graph of every literal import, dynamic ones
 * included, when `tg` starts, and the MCP SDK in that graph would cost every
 * command about 1 ms. `deno task compile` includes the module with
 * `--include`; `deno check .` checks it with the rest; `deno install`
 * caches its npm packages through the type of its handler (`typeof import`).
 */
const MCP_MODULE: string = "./tg/mcp.ts";

/**
 * Runs one `tg` command; `root` is the whole table (for `completions`).
 *
 * @ignore
 */
export type TgHandler = (p: Parsed, ctx: TgContext, root: CommandSpec) => Promise<void>;

/**
 * A `tg` command: its spec, and the loader of its handler when it runs on its own.
 *
 * @ignore
 */
export interface TgCommand extends CommandSpec {
  /**
   * Imports the command's module and returns its handler. Write the
   * specifier as a string literal, so that `deno check`, `deno compile` and
   * `deno publish` follow it.
   */
  load?: () => Promise<TgHandler>;
  /** Subcommands. */
  subcommands?: TgCommand[];
}

/**
 * The command table of `tg`: each entry loads its own implementation on demand.
 *
 * @ignore
 */
export const TG_COMMANDS: TgCommand = {
  name: "tg",
  about: "Agent-native work tracker",
  options: [...GLOBALS, { long: "version", short: "V", help: "Print version" }],
  footer: "Exit codes: 0 success, 1 user or usage error, 2 system or storage error.",
  subcommands: [
    {
      name: "init",
      load: () => import("./tg/init.ts").then((m) => m.init),
      about: "Initialize a new task-golem project",
      options: [
        { long: "force", help: "Force reinitialize (overwrites existing data)" },
        {
          long: "merge-driver",
          help: "Also enable the tg merge driver in this git repository (git config merge.tg.*)",
        },
      ],
    },
    {
      name: "add",
      load: () => import("./tg/add.ts").then((m) => m.add),
      about: "Add a new item",
      args: [{ name: "title", required: true, help: "Item title (single line)" }],
      options: [
        { long: "description", value: "DESCRIPTION", help: "Item description" },
        {
          long: "priority",
          value: "PRIORITY",
          kind: "i64",
          help: "Priority (higher = more important)",
          defaultText: "0",
        },
        { long: "dep", value: "DEPS", multiple: true, help: "Add a dependency (repeatable)" },
        { long: "tag", value: "TAGS", multiple: true, help: "Add a tag (repeatable)" },
        SET_OPT,
        { long: "parent", value: "PARENT", help: "Parent item ID" },
      ],
    },
    {
      name: "list",
      load: () => import("./tg/list.ts").then((m) => m.list),
      about: "List items",
      options: [
        { long: "status", value: "STATUS", help: "Filter by status" },
        { long: "tag", value: "TAG", help: "Filter by tag" },
        { long: "parent", value: "PARENT", help: "Filter by parent ID (direct children only)" },
        { long: "blocked", help: "Sugar for `--status blocked` (conflicts with --status)" },
      ],
    },
    {
      name: "show",
      load: () => import("./tg/show.ts").then((m) => m.show),
      about: "Show a single item",
      args: [ID_ARG],
      options: [{
        long: "events",
        help: "Include the chronological event log at the end of the detail view",
      }],
    },
    {
      name: "edit",
      load: () => import("./tg/edit.ts").then((m) => m.edit),
      about: "Edit an existing item",
      args: [ID_ARG],
      options: [
        { long: "title", value: "TITLE", help: "New title" },
        { long: "priority", value: "PRIORITY", kind: "i64", help: "New priority" },
        { long: "description", value: "DESCRIPTION", help: "New description" },
        {
          long: "add-dep",
          value: "ADD_DEPS",
          multiple: true,
          help: "Add a dependency (repeatable)",
        },
        {
          long: "rm-dep",
          value: "RM_DEPS",
          multiple: true,
          help: "Remove a dependency (repeatable)",
        },
        { long: "add-tag", value: "ADD_TAGS", multiple: true, help: "Add a tag (repeatable)" },
        { long: "rm-tag", value: "RM_TAGS", multiple: true, help: "Remove a tag (repeatable)" },
        SET_OPT,
        {
          long: "parent",
          value: "PARENT",
          help: "Set a new parent ID (mutually exclusive with --parent-clear)",
          conflicts: ["parent-clear"],
        },
        { long: "parent-clear", help: "Clear the parent field (mutually exclusive with --parent)" },
      ],
    },
    {
      name: "rm",
      load: () => import("./tg/rm.ts").then((m) => m.rm),
      about: "Remove an item",
      args: [ID_ARG],
      options: [
        { long: "force", help: "Force remove even if other items depend on this one" },
        { long: "clear-deps", help: "Also remove this item's ID from all dependents' dep lists" },
      ],
    },
    {
      name: "do",
      load: () => import("./tg/do.ts").then((m) => m.doCommand),
      about: "Start working on an item (todo → doing)",
      args: [ID_ARG],
      options: [
        { long: "claim", value: "CLAIM", help: "Claim this item for an agent/user" },
        {
          long: "ttl",
          value: "TTL",
          help:
            "Let the claim expire after this long (e.g. 30m, 2h; default: claim_ttl in config.yaml)",
        },
      ],
    },
    {
      name: "done",
      load: () => import("./tg/done.ts").then((m) => m.done),
      about: "Mark an item as done (todo/doing → done, archives item)",
      args: [ID_ARG],
    },
    {
      name: "todo",
      load: () => import("./tg/todo.ts").then((m) => m.todo),
      about: "Return an item to todo (doing → todo)",
      args: [ID_ARG],
    },
    {
      name: "block",
      load: () => import("./tg/block.ts").then((m) => m.block),
      about: "Block an item",
      args: [ID_ARG],
      options: [{ long: "reason", value: "REASON", help: "Reason for blocking" }],
    },
    {
      name: "unblock",
      load: () => import("./tg/unblock.ts").then((m) => m.unblock),
      about: "Unblock an item (restores previous status)",
      args: [ID_ARG],
    },
    {
      name: "ready",
      load: () => import("./tg/ready.ts").then((m) => m.ready),
      about: "Show items ready to work on",
      options: [
        {
          long: "include-stale",
          value: "INCLUDE_STALE",
          help: "Include stale doing items older than duration (e.g., 4h, 30m)",
        },
        {
          long: "include-expired",
          help: "Also list doing items whose claim has expired (see `do --ttl`)",
        },
        { long: "limit", value: "LIMIT", kind: "u64", help: "Limit number of results" },
      ],
    },
    {
      name: "next",
      load: () => import("./tg/next.ts").then((m) => m.next),
      about: "Show the next item to work on (highest-priority ready item)",
    },
    {
      name: "query",
      load: () => import("./tg/query.ts").then((m) => m.query),
      about: "Run one read-only SQL query against a cache of the active tasks",
      args: [{ name: "sql", required: false, help: "SQL statement (see --schema)" }],
      options: [
        { long: "schema", help: "Print the cache schema and sandbox rules (needs no store)" },
        {
          long: "timeout",
          value: "TIMEOUT",
          kind: "u64",
          help: "Stop the query after this many seconds",
          defaultText: "5",
        },
      ],
    },
    {
      name: "mcp",
      // Not a literal: see MCP_MODULE.
      load: () => import(MCP_MODULE).then((m: typeof import("./tg/mcp.ts")) => m.mcp),
      about: "Serve the task store to coding agents over MCP (stdio; see README)",
    },
    {
      name: "merge-driver",
      load: () => import("./tg/merge_driver.ts").then((m) => m.mergeDriver),
      about: "Git merge driver for .task-golem files (see `tg init --merge-driver`)",
      args: [
        { name: "base", required: true, help: "Common ancestor version (%O)" },
        { name: "ours", required: true, help: "Our version, replaced by the result (%A)" },
        { name: "theirs", required: true, help: "Their version (%B)" },
        { name: "path", required: false, help: "Path of the file in the repository (%P)" },
      ],
    },
    {
      name: "dep",
      about: "Manage dependencies",
      subcommands: [
        {
          name: "add",
          load: () => import("./tg/dep.ts").then((m) => m.depAdd),
          about: "Add a dependency",
          args: [
            { name: "id", required: true, help: "Item ID to add the dependency to" },
            { name: "depends_on", required: true, help: "ID of the item to depend on" },
          ],
        },
        {
          name: "rm",
          load: () => import("./tg/dep.ts").then((m) => m.depRm),
          about: "Remove a dependency",
          args: [
            { name: "id", required: true, help: "Item ID to remove the dependency from" },
            { name: "dep_id", required: true, help: "ID of the dependency to remove" },
          ],
        },
      ],
    },
    {
      name: "doctor",
      load: () => import("./tg/doctor.ts").then((m) => m.doctor),
      about: "Check project integrity and diagnose issues",
      options: [{ long: "fix", help: "Attempt to fix detected issues" }],
    },
    {
      name: "archive",
      load: () => import("./tg/archive.ts").then((m) => m.archive),
      about: "Archive maintenance: recover unarchived done items, prune old entries",
      options: [{
        long: "before",
        value: "BEFORE",
        help: "Prune archive entries older than this date (ISO 8601, e.g., 2026-01-01)",
      }],
    },
    {
      name: "dump",
      load: () => import("./tg/dump.ts").then((m) => m.dump),
      about: "Export all items (active + archive) in JSON or YAML format",
      options: [{ long: "yaml", help: "Output in YAML format (default: JSON)" }],
    },
    {
      name: "note",
      load: () => import("./tg/note.ts").then((m) => m.note),
      about: "Append a free-text note event to a task",
      args: [ID_ARG, { name: "text", required: true, help: "Note text (must be non-empty)" }],
    },
    {
      name: "events",
      load: () => import("./tg/events.ts").then((m) => m.events),
      about: "Show the chronological event log for a task",
      args: [ID_ARG],
    },
    {
      name: "graph",
      load: () => import("./tg/graph.ts").then((m) => m.graph),
      about: "Print the dependency and parent graph (Mermaid or Graphviz DOT)",
      options: [
        {
          long: "format",
          value: "FORMAT",
          help: "Output format",
          choices: ["mermaid", "dot"],
          defaultText: "mermaid",
        },
        { long: "all", help: "Also show archived and missing items that active items reference" },
      ],
    },
    {
      name: "serve",
      load: () => import("./tg/serve.ts").then((m) => m.serve),
      about: "Serve a live board of the backlog and of pg runs in the browser",
      options: [
        {
          long: "port",
          value: "PORT",
          kind: "u64",
          help: "Port to listen on (0 picks a free one)",
          defaultText: "7420",
        },
        {
          long: "host",
          value: "HOST",
          help: "Address to listen on (another than 127.0.0.1 is reachable by others)",
          defaultText: "127.0.0.1",
        },
        { long: "read-only", help: "Show the board without allowing changes from the page" },
        { long: "open", help: "Open the board in the default browser" },
      ],
    },
    {
      name: "completions",
      load: () => import("./tg/completions.ts").then((m) => m.completions),
      about: "Generate shell completion scripts",
      args: [{
        name: "shell",
        required: true,
        help: "Shell to generate completions for",
        choices: ["bash", "elvish", "fish", "powershell", "zsh"],
      }],
    },
  ],
};

/**
 * Finds the entry of a parsed command path and runs its handler, importing
 * the command's module first.
 */
async function dispatch(p: Parsed, ctx: TgContext): Promise<void> {
  let cmd: TgCommand = TG_COMMANDS;
  for (const name of p.path) {
    const sub = cmd.subcommands?.find((c) => c.name === name);
    if (sub === undefined) break;
    cmd = sub;
  }
  if (cmd.load === undefined || cmd.name !== p.path.at(-1)) {
    throw new Error(`no handler for command '${p.path.join(" ")}'`);
  }
  const handler = await cmd.load();
  await handler(p, ctx, TG_COMMANDS);
}

/** Whether `--json` appears among the options (before any `--`). */
function jsonRequested(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === "--") return false;
    if (a === "--json") return true;
  }
  return false;
}

/**
 * Runs `tg` with `argv` and returns the exit code. Never exits the process.
 *
 * @param argv Arguments after the program name.
 * @param io Streams and environment.
 * @returns The exit code.
 * @ignore
 */
export async function main(argv: string[], io: Io = new DenoIo()): Promise<number> {
  let json = jsonRequested(argv);
  try {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
      await io.write(`tg ${VERSION}\n`);
      return 0;
    }
    const parsed = parseArgs(TG_COMMANDS, argv, "tg");
    json = parsed.flag("json");
    const { TgContext } = await import("./tg/_context.ts");
    await dispatch(parsed, new TgContext(io, { json, verbose: parsed.flag("verbose") }));
    return 0;
  } catch (e) {
    const { tgHint } = await import("./tg/_hints.ts");
    return await reportError(e, io, { json, program: "tg", hint: tgHint });
  }
}

if (import.meta.main) {
  // Exit explicitly rather than when the event loop drains: a query stopped at
  // its timeout leaves its worker thread inside SQLite, which only the end of
  // the process stops. Output has been written (awaited) by now.
  Deno.exit(await main(Deno.args));
}
