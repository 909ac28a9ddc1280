/**
 * `tg init [--force] [--merge-driver]`: create `.task-golem/` in the working
 * directory and the `.gitattributes` entries of the merge driver; with
 * `--merge-driver`, also define the driver in the repository's git config
 * (otherwise the one command that does it is printed on stderr when stderr
 * is a terminal, and written as a comment into `.gitattributes`).
 */

import type { Parsed } from "../_args.ts";
import { invalidInput, ioError } from "../../lib/store/errors.ts";
import { TaskStore } from "../../lib/store/store.ts";
import { STORE_DIR_NAME } from "../../lib/store/root.ts";
import { MERGE_DRIVER_COMMAND, MERGE_DRIVER_NAME } from "../../lib/store/gitattributes.ts";
import { initStore } from "../../lib/store/ops/init.ts";
import { join } from "../../lib/io/path.ts";
import type { TgContext } from "./_context.ts";

/** Runs `tg init`. */
export async function init(p: Parsed, ctx: TgContext): Promise<void> {
  const dir = join(ctx.io.cwd(), STORE_DIR_NAME);
  const store = new TaskStore(dir, { warn: ctx.warn });
  const exists = (await store.fs.stat(dir)) !== null;
  if (exists) {
    if (!p.flag("force")) {
      throw invalidInput(`Project already initialized at ${dir}. Use --force to reinitialize.`);
    }
    ctx.warn(
      `Warning: Reinitializing existing project at ${dir}. Existing data will be overwritten.`,
    );
  }
  await initStore(store);
  const configure = p.flag("merge-driver");
  if (configure) await configureDriver(store, ctx.io.cwd());
  await ctx.out(
    ctx.json
      ? `{\n  "initialized": true,\n  "path": ".task-golem/"\n}\n`
      : "Initialized task-golem project at .task-golem/\n",
  );
  // The set-up line is also a comment in .gitattributes; on a terminal it is shown too.
  if (!configure && !ctx.json && ctx.io.stderrIsTerminal?.() === true) {
    ctx.warn(
      `To merge .task-golem files by item ID in git, run: ` +
        `git config merge.${MERGE_DRIVER_NAME}.driver "${MERGE_DRIVER_COMMAND}"`,
    );
  }
}

async function configureDriver(store: TaskStore, cwd: string): Promise<void> {
  const settings: [string, string][] = [
    [`merge.${MERGE_DRIVER_NAME}.name`, "task-golem store merge by item ID"],
    [`merge.${MERGE_DRIVER_NAME}.driver`, MERGE_DRIVER_COMMAND],
  ];
  for (const [key, value] of settings) {
    let r;
    try {
      r = await store.runner.run("git", ["config", key, value], { cwd });
    } catch (e) {
      throw ioError(new Error(`Failed to run git config: ${(e as Error).message}`, { cause: e }));
    }
    if (r.code !== 0) throw ioError(new Error(`git config failed: ${r.stderr.trim()}`));
  }
}
