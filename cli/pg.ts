/**
 * `pg`, the phase-golem CLI: the orchestrator that takes backlog items through
 * pipeline phases with a coding agent and commits each phase to git. Run it
 * from JSR, or install it:
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-env --allow-run jsr:@golem/golem/pg status
 * deno install -g -f -n pg --allow-read --allow-write --allow-env --allow-run jsr:@golem/golem/pg
 * ```
 *
 * This module is the command table and the dispatcher. Each command's code is
 * loaded only when that command runs. Its exports serve the CLI's tests; the
 * library is the package's main export.
 *
 * @module
 */

import { type CommandSpec, parseArgs, type Parsed } from "./_args.ts";
import { DenoIo, type Io } from "./_io.ts";
import { VERSION } from "./_version.ts";
import { PgContext } from "./pg/_context.ts";

const ID_ARG = { name: "item_id", required: true, help: "Item ID (e.g. WRK-a1b2c)" };

/**
 * The command table of `pg`.
 *
 * @ignore
 */
export const PG_COMMANDS: CommandSpec = {
  name: "pg",
  about: "phase-golem: moves backlog items through pipeline phases with a coding agent",
  options: [
    { long: "root", value: "PATH", global: true, help: "Project root", defaultText: "." },
    {
      long: "config",
      value: "PATH",
      global: true,
      help: "Config file (default: phase-golem.jsonc or phase-golem.toml in the root)",
    },
    {
      long: "log-level",
      value: "LEVEL",
      global: true,
      help: "Log level: error, warn, info or debug",
      defaultText: "info",
    },
    { long: "version", short: "V", help: "Print version" },
  ],
  footer: "Exit codes: 0 success, 1 command failure, 2 usage error.",
  subcommands: [
    {
      name: "init",
      about:
        "Set up phase-golem in a git repository: task store, config, workflow pack, runtime folders",
      options: [
        {
          long: "prefix",
          value: "PREFIX",
          help: "Prefix of generated item IDs",
          defaultText: "WRK",
        },
        {
          long: "agent",
          value: "NAME",
          choices: ["claude", "codex", "opencode"],
          help: "Agent CLI for the new config",
          defaultText: "the first of these on PATH, else claude",
        },
      ],
    },
    {
      name: "run",
      about: "Run the pipeline: triage, phases, commits, until nothing is left to do",
      options: [
        {
          long: "target",
          value: "ID",
          multiple: true,
          conflicts: ["only"],
          help: "Process these items one after another (repeatable, in order)",
        },
        {
          long: "only",
          value: "KEY=V1[,V2...]",
          multiple: true,
          help: "Only items matching (status, impact, size, risk, complexity, tag, pipeline_type)",
        },
        {
          long: "cap",
          value: "N",
          kind: "u64",
          help: "Most phase executions in this run",
          defaultText: "execution.default_phase_cap",
        },
        { long: "auto-advance", help: "Skip a blocked target instead of halting" },
        {
          long: "max-cost",
          value: "USD",
          help: "Start no further phase once the agents reported this cost (US dollars)",
          defaultText: "execution.max_cost_usd, else no limit",
        },
        {
          long: "watch",
          conflicts: ["target", "dry-run"],
          help: "When nothing is left to do, wait for new or unblocked items instead of halting",
        },
        {
          long: "dry-run",
          help: "Run the checks and print what the run would do first; change nothing",
        },
        {
          long: "sync",
          value: "REMOTE",
          conflicts: ["no-sync"],
          help: "Share the backlog with other workers through this git remote's branch",
          defaultText: "sync.remote, else none",
        },
        {
          long: "worker",
          value: "NAME",
          help: "This worker's name in claims and commits (with --sync)",
          defaultText: "host name and PID",
        },
        { long: "no-sync", help: "Do not sync, whatever sync.remote says" },
        { long: "json", help: "Print one JSON event per line on stdout" },
      ],
    },
    {
      name: "triage",
      about: "Triage every New item without running the pipeline",
    },
    {
      name: "status",
      about: "Show the backlog by status (or one item's phase history)",
      args: [{
        name: "item_id",
        required: false,
        help: "Show this item's details and phase history",
      }],
      options: [{ long: "json", help: "Output JSON" }],
    },
    {
      name: "advance",
      about: "Move an in-progress item to its next phase (or to --to PHASE)",
      args: [ID_ARG],
      options: [{ long: "to", value: "PHASE", help: "Main phase to move to" }],
    },
    {
      name: "unblock",
      about: "Unblock an item, restoring its previous status",
      args: [ID_ARG],
      options: [{ long: "notes", value: "TEXT", help: "Notes for the agent's next prompt" }],
    },
    {
      name: "migrate",
      about: "Import a legacy BACKLOG.yaml (and its inbox) into the task store",
      args: [{
        name: "path",
        required: false,
        help: "Backlog file (default: project.backlog_path, else BACKLOG.yaml)",
      }],
      options: [
        {
          long: "inbox",
          value: "PATH",
          help: "Inbox file (default: BACKLOG_INBOX.yaml beside the backlog)",
        },
        { long: "dry-run", help: "Show the planned mapping; write nothing" },
        { long: "commit", help: "Commit the store files afterwards" },
      ],
    },
    {
      name: "demo",
      about:
        "Run the whole toolkit on a throw-away repository with a scripted agent (offline, ~15 s)",
    },
  ],
};

/** Runs one command; the command module is imported on demand. */
function dispatch(p: Parsed, ctx: PgContext): Promise<void> {
  switch (p.path.join(" ")) {
    case "init":
      return import("./pg/init.ts").then((m) => m.init(p, ctx));
    case "run":
      return import("./pg/run.ts").then((m) => m.run(p, ctx));
    case "triage":
      return import("./pg/triage.ts").then((m) => m.triage(p, ctx));
    case "status":
      return import("./pg/status.ts").then((m) => m.status(p, ctx));
    case "advance":
      return import("./pg/advance.ts").then((m) => m.advance(p, ctx));
    case "unblock":
      return import("./pg/unblock.ts").then((m) => m.unblock(p, ctx));
    case "demo":
      return import("./pg/demo.ts").then((m) => m.demo(p, ctx));
    case "migrate":
      return import("./pg/migrate.ts").then((m) => m.migrate(p, ctx));
    default:
      throw new Error(`no handler for command '${p.path.join(" ")}'`);
  }
}

const VALUE_OPTS: ReadonlySet<string> = new Set(["--root", "--config", "--log-level"]);

/** Whether `--version`/`-V` comes before the subcommand. */
function versionRequested(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--version" || a === "-V") return true;
    if (VALUE_OPTS.has(a)) i++;
    else if (a === "--" || !a.startsWith("-")) return false;
  }
  return false;
}

/**
 * Runs `pg` with `argv` and returns the exit code. Never exits the process.
 *
 * @param argv Arguments after the program name.
 * @param io Streams and environment.
 * @returns The exit code.
 * @ignore
 */
export async function main(argv: string[], io: Io = new DenoIo()): Promise<number> {
  try {
    if (versionRequested(argv)) {
      await io.write(`pg ${VERSION}\n`);
      return 0;
    }
    const parsed = parseArgs(PG_COMMANDS, argv, "pg");
    await dispatch(parsed, PgContext.create(io, parsed));
    return 0;
  } catch (e) {
    const { reportPgError } = await import("./pg/_errors.ts");
    return await reportPgError(e, io);
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
