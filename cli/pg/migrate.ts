/** `pg migrate [PATH] [--inbox PATH] [--dry-run] [--commit]`: import a legacy YAML backlog (pg.md §9.5). */

import type { Parsed } from "../_args.ts";
import { join, resolve } from "../../lib/io/path.ts";
import { PgError } from "../../lib/adapter/pg_error.ts";
import { commit, stageSelf } from "../../lib/store/git.ts";
import { acquireRunLock } from "../../lib/orchestrator/repo/run_lock.ts";
import { describePlan, migrateBacklog } from "../../lib/orchestrator/migrate/migrate.ts";
import type { PgContext } from "./_context.ts";

/** Runs `pg migrate`. */
export async function migrate(p: Parsed, ctx: PgContext): Promise<void> {
  const lock = await acquireRunLock({
    fs: ctx.fs,
    root: ctx.root,
    pid: Deno.pid,
    warn: ctx.warn,
  });
  try {
    await run(p, ctx);
  } finally {
    await lock.release();
  }
}

async function run(p: Parsed, ctx: PgContext): Promise<void> {
  const { config, base } = await ctx.config();
  const cwd = ctx.io.cwd();
  const arg = p.args.path;
  const backlogPath = arg !== undefined
    ? resolve(cwd, arg)
    : config.project.backlog_path !== undefined
    ? resolve(base, config.project.backlog_path)
    : join(base, "BACKLOG.yaml");
  const inbox = p.value("inbox");
  const dryRun = p.flag("dry-run");
  // Warnings are held back until it is clear something is (or would be) migrated:
  // a repeated run skips every item and has nothing to warn about.
  const warnings: string[] = [];
  const report = await migrateBacklog({
    fs: ctx.fs,
    store: ctx.store(),
    config,
    backlogPath,
    inboxPath: inbox === undefined ? undefined : resolve(cwd, inbox),
    dryRun,
    warn: (m) => warnings.push(m),
  }).catch((e) => {
    warnings.forEach(ctx.warn);
    throw e;
  });
  const r = report.result;
  const nothingNew = r !== null && r.active.length + r.archived.length + r.inbox.length === 0;
  warnings.forEach(nothingNew ? ctx.debug : ctx.warn);
  const from = report.inboxPath === null ? backlogPath : `${backlogPath} and ${report.inboxPath}`;
  if (r === null) {
    const { active, archived, inbox } = report.plan;
    const n = active.length + archived.length + inbox.length;
    await ctx.out(
      describePlan(report.plan).map((l) => l + "\n").join("") +
        `Dry run: ${n} items would be migrated from ${from} (${active.length} active, ${archived.length} archived, ${inbox.length} from inbox); nothing written\n`,
    );
    return;
  }
  const n = r.active.length + r.archived.length + r.inbox.length;
  let out =
    `Migrated ${n} items from ${backlogPath} (${r.active.length} active, ${r.archived.length} archived, ${r.inbox.length} from inbox)\n`;
  if (r.skipped.length > 0) {
    out += `Skipped ${r.skipped.length} items already in the store\n`;
  }
  out += `The legacy file${report.inboxPath === null ? "" : "s"} (${from}) ${
    report.inboxPath === null ? "is" : "are"
  } no longer read by pg and may be deleted.\n`;
  await ctx.out(out);
  if (p.flag("commit") && n > 0) {
    try {
      await stageSelf(ctx.runner, ctx.root);
      if (report.createdStore) {
        // The new store's lock sentinel and .gitignore belong in the commit too,
        // or the next `pg run` finds an unclean tree.
        const r = await ctx.runner.run("git", ["add", "--", ".task-golem"], { cwd: ctx.root });
        if (r.code !== 0) throw new Error(`git add failed: ${r.stderr.trim()}`);
      }
      const sha = await commit(
        ctx.runner,
        ctx.root,
        `[phase-golem] Migrate legacy backlog to task-golem (${n} items)`,
      );
      ctx.info(`Committed ${sha}`);
    } catch (e) {
      throw new PgError("Git", (e as Error).message, { cause: e });
    }
  }
}
