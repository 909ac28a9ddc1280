/**
 * `pg init [--prefix PREFIX] [--agent NAME]`: set up pg in a git repository
 * (pg.md §2.3, extended so that `pg init`, `tg add` and `pg run` are the
 * whole set-up): the task store when it is missing (as `tg init` creates
 * it), `phase-golem.jsonc` naming the agent CLI found on `PATH`, the
 * workflow pack it refers to, the runtime folders and the `.gitignore`
 * entry. A file that exists is never overwritten; the report says what was
 * created, updated and kept, then the next steps.
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { dirname, join } from "../../lib/io/path.ts";
import type { AgentCli } from "../../lib/orchestrator/config/config.ts";
import { JSONC_CONFIG_NAME, TOML_CONFIG_NAME } from "../../lib/orchestrator/config/config_file.ts";
import { configTemplate, SCHEMA_FILE } from "../../lib/orchestrator/config/config_template.ts";
import { WORKFLOW_PACK_DIR } from "../../lib/orchestrator/config/workflow_pack.ts";
import {
  agentClisOnPath,
  DETECTED_AGENT_CLIS,
} from "../../lib/orchestrator/execution/agents/which_binary.ts";
import { initStore } from "../../lib/store/ops/init.ts";
import { STORE_DIR_NAME } from "../../lib/store/root.ts";
import { TaskStore } from "../../lib/store/store.ts";
import type { PgContext } from "./_context.ts";

const ENC = new TextEncoder();
const DEC = new TextDecoder();
const RUNTIME_DIRS = ["_ideas", "_worklog", "changes", ".phase-golem"];

/** What `pg init` did to each path (relative to the root; folders end with `/`). */
interface InitReport {
  created: string[];
  updated: string[];
  kept: string[];
}

/** Runs `pg init`. */
export async function init(p: Parsed, ctx: PgContext): Promise<void> {
  const prefix = p.value("prefix") ?? "WRK";
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new CliError(
      "Prefix must contain only alphanumeric characters, hyphens, and underscores",
    );
  }
  const git = await ctx.runner.run("git", ["rev-parse", "--git-dir"], { cwd: ctx.root })
    .catch(() => null);
  if (git === null || git.code !== 0) {
    throw new CliError("Not a git repository. Run `git init` first.");
  }
  const fs = ctx.fs;
  const at = (path: string) => join(ctx.root, path);
  const exists = async (path: string) => (await fs.stat(at(path))) !== null;
  const report: InitReport = { created: [], updated: [], kept: [] };

  await ensureStore(ctx, report);

  // The config, naming an agent CLI that is on PATH.
  const onPath = await agentClisOnPath(ctx.io.env("PATH"));
  const chosen = p.value("agent") as AgentCli | undefined;
  const agent = chosen ?? onPath[0] ?? "claude";
  let configName = JSONC_CONFIG_NAME;
  let configText: string | null = null;
  for (const name of [JSONC_CONFIG_NAME, TOML_CONFIG_NAME]) {
    const bytes = await fs.readFile(at(name));
    if (bytes !== null) {
      configName = name;
      configText = DEC.decode(bytes);
      break;
    }
  }
  const configCreated = configText === null;
  if (configCreated) {
    await fs.writeFile(at(JSONC_CONFIG_NAME), ENC.encode(configTemplate(prefix, { agent })));
    report.created.push(JSONC_CONFIG_NAME);
  } else {
    report.kept.push(configName);
    if (chosen !== undefined) {
      ctx.warn(
        `Warning: --agent ${chosen} ignored: ${configName} exists and was kept; set agent.cli in it`,
      );
    }
  }

  // The workflow pack: for a new config, and for a config that uses it
  // (restoring missing files); an existing config with workflows of its own
  // does not get a folder it never uses.
  const packUsed = configCreated || await exists(WORKFLOW_PACK_DIR) ||
    configText!.includes(`${WORKFLOW_PACK_DIR}/`);
  const packPaths = packUsed ? await ensureWorkflowPack(ctx, report) : new Set<string>();

  for (const d of RUNTIME_DIRS) {
    if (!(await exists(d))) {
      await fs.mkdirp(at(d));
      report.created.push(`${d}/`);
    }
  }
  await writeSchema(ctx);
  await ensureGitignoreEntry(ctx, report);

  const lines = [`Initialized phase-golem in ${ctx.rootArg}`];
  for (
    const [label, paths] of [["Created", report.created], ["Updated", report.updated]] as const
  ) {
    if (paths.length > 0) lines.push(`  ${label}: ${summarize(paths, packPaths).join(", ")}`);
  }
  if (report.kept.length > 0) {
    lines.push(`  Kept (already there): ${summarize(report.kept, packPaths).join(", ")}`);
  }
  if (!packUsed) {
    lines.push(
      `  Not written: ${WORKFLOW_PACK_DIR}/ (${configName} does not use the workflow pack)`,
    );
  }
  if (configCreated) lines.push(`  ${agentLine(agent, chosen, onPath)}`);
  const commit: string[] = [];
  for (const f of [".gitattributes", ".gitignore", STORE_DIR_NAME, configName, WORKFLOW_PACK_DIR]) {
    if (await exists(f)) commit.push(f);
  }
  lines.push("", ...nextSteps(ctx.rootArg, commit));
  await ctx.out(lines.join("\n") + "\n");
}

/** Writes the config's JSON Schema into `.phase-golem/` when it differs (it is pg's, not the user's). */
async function writeSchema(ctx: PgContext): Promise<void> {
  const { configJsonSchema } = await import("../../lib/orchestrator/config/config.ts");
  const text = JSON.stringify(await configJsonSchema(), null, 2) + "\n";
  const path = join(ctx.root, SCHEMA_FILE);
  const old = await ctx.fs.readFile(path);
  if (old === null || DEC.decode(old) !== text) {
    await ctx.fs.writeFileAtomic(path, ENC.encode(text));
  }
}

/** Creates the task store as `tg init` does, unless there is one. */
async function ensureStore(ctx: PgContext, report: InitReport): Promise<void> {
  const dir = join(ctx.root, STORE_DIR_NAME);
  if ((await ctx.fs.stat(dir))?.isDirectory) {
    report.kept.push(`${STORE_DIR_NAME}/`);
    return;
  }
  const hadAttributes = (await ctx.fs.stat(join(ctx.root, ".gitattributes"))) !== null;
  const store = new TaskStore(dir, { fs: ctx.fs, runner: ctx.runner, warn: ctx.warn });
  const { gitattributes } = await initStore(store);
  report.created.push(`${STORE_DIR_NAME}/`);
  if (gitattributes) (hadAttributes ? report.updated : report.created).push(".gitattributes");
}

/** Writes the workflow pack's missing files; returns the paths of all of them. */
async function ensureWorkflowPack(ctx: PgContext, report: InitReport): Promise<Set<string>> {
  const { workflowPackFiles } = await import(
    "../../lib/orchestrator/config/workflow_pack_files.ts"
  );
  const paths = new Set<string>();
  for (const file of workflowPackFiles()) {
    paths.add(file.path);
    const path = join(ctx.root, file.path);
    if ((await ctx.fs.stat(path)) !== null) {
      report.kept.push(file.path);
    } else {
      await ctx.fs.mkdirp(dirname(path));
      await ctx.fs.writeFile(path, ENC.encode(file.text));
      report.created.push(file.path);
    }
  }
  return paths;
}

/** Appends `.phase-golem/` to `.gitignore` (creating it) unless a line already says it. */
async function ensureGitignoreEntry(ctx: PgContext, report: InitReport): Promise<void> {
  const gitignore = join(ctx.root, ".gitignore");
  const bytes = await ctx.fs.readFile(gitignore);
  const text = bytes === null ? "" : DEC.decode(bytes);
  if (text.split("\n").some((l) => l.trim() === ".phase-golem/")) return;
  const sep = text.length > 0 && !text.endsWith("\n") ? "\n" : "";
  await ctx.fs.writeFile(gitignore, ENC.encode(`${sep}.phase-golem/\n`), { append: true });
  (bytes === null ? report.created : report.updated).push(".gitignore");
}

/** The paths as listed, the pack's files as one `phase-golem-workflows/ (N files)` when all are in the list. */
function summarize(paths: readonly string[], packPaths: ReadonlySet<string>): string[] {
  const pack = paths.filter((p) => packPaths.has(p));
  if (pack.length === 0 || pack.length < packPaths.size) return [...paths];
  const first = paths.indexOf(pack[0]!);
  const rest = paths.filter((p) => !packPaths.has(p));
  rest.splice(first, 0, `${WORKFLOW_PACK_DIR}/ (${pack.length} files)`);
  return rest;
}

function agentLine(agent: AgentCli, chosen: AgentCli | undefined, onPath: AgentCli[]): string {
  if (chosen !== undefined) {
    return onPath.includes(chosen)
      ? `Agent: ${chosen} (chosen with --agent, found on PATH)`
      : `Agent: ${chosen} (chosen with --agent; not on PATH: install it before \`pg run\`)`;
  }
  if (onPath.length === 0) {
    return `Agent: ${agent} (none of ${DETECTED_AGENT_CLIS.join(", ")} is on PATH: install one, ` +
      `or set agent.cli in ${JSONC_CONFIG_NAME})`;
  }
  const others = onPath.slice(1);
  return `Agent: ${agent} (found on PATH${
    others.length > 0 ? `; also there: ${others.join(", ")}, see agent.cli` : ""
  })`;
}

function nextSteps(rootArg: string, commit: readonly string[]): string[] {
  const steps = [
    `${'tg add "Describe one change"'.padEnd(40)}# add backlog items; --dep ID waits for item ID`,
    `git add ${commit.map(shellWord).join(" ")}`,
    'git commit -m "Set up phase-golem"',
    `${"pg run".padEnd(40)}# triage, then each item through its pipeline`,
  ];
  if (rootArg !== ".") steps.unshift(`cd ${shellWord(rootArg)}`);
  return ["Next steps:", ...steps.map((s) => `  ${s}`)];
}

function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
