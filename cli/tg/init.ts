/** `tg init [--force]`: create `.task-golem/` in the working directory. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { TaskStore } from "../../lib/store/store.ts";
import { STORE_DIR_NAME } from "../../lib/store/root.ts";
import { join } from "../../lib/io/path.ts";
import type { TgContext } from "./_context.ts";

/** Runs `tg init`. */
export async function init(p: Parsed, ctx: TgContext): Promise<void> {
  const dir = join(ctx.io.cwd(), STORE_DIR_NAME);
  const store = new TaskStore(dir, { warn: ctx.warn });
  const exists = (await store.fs.stat(dir)) !== null;
  if (exists) {
    if (p.opts.force !== true) {
      throw invalidInput(`Project already initialized at ${dir}. Use --force to reinitialize.`);
    }
    ctx.warn(
      `Warning: Reinitializing existing project at ${dir}. Existing data will be overwritten.`,
    );
  }
  await store.init();
  await ctx.out(
    ctx.json
      ? `{\n  "initialized": true,\n  "path": ".task-golem/"\n}\n`
      : "Initialized task-golem project at .task-golem/\n",
  );
}
