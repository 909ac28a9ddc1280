/** `pg init [--prefix PREFIX]`: set up phase-golem in the project root (pg.md §2.3). */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { join } from "../../lib/io/path.ts";
import { JSONC_CONFIG_NAME, TOML_CONFIG_NAME } from "../../lib/orchestrator/config/config_file.ts";
import { configTemplate, SCHEMA_FILE } from "../../lib/orchestrator/config/config_template.ts";
import type { PgContext } from "./_context.ts";

const ENC = new TextEncoder();
const DIRS = ["_ideas", "_worklog", "changes", ".phase-golem"];

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
  const store = await fs.stat(join(ctx.root, ".task-golem"));
  if (!store?.isDirectory) {
    ctx.io.writeErr(
      `Warning: .task-golem/ directory not found at ${ctx.rootArg}/.task-golem\n` +
        "Run `tg init` to initialize the task-golem store before using phase-golem.\n",
    );
  }
  for (const d of DIRS) await fs.mkdirp(join(ctx.root, d));

  let configName = JSONC_CONFIG_NAME;
  if (await fs.stat(join(ctx.root, JSONC_CONFIG_NAME)) === null) {
    if (await fs.stat(join(ctx.root, TOML_CONFIG_NAME)) !== null) {
      configName = TOML_CONFIG_NAME;
    } else {
      await fs.writeFile(join(ctx.root, JSONC_CONFIG_NAME), ENC.encode(configTemplate(prefix)));
    }
  }
  const { configJsonSchema } = await import("../../lib/orchestrator/config/config.ts");
  await fs.writeFileAtomic(
    join(ctx.root, SCHEMA_FILE),
    ENC.encode(JSON.stringify(await configJsonSchema(), null, 2) + "\n"),
  );

  const gitignore = join(ctx.root, ".gitignore");
  const bytes = await fs.readFile(gitignore);
  const text = bytes === null ? "" : new TextDecoder().decode(bytes);
  if (!text.split("\n").some((l) => l.trim() === ".phase-golem/")) {
    const sep = text.length > 0 && !text.endsWith("\n") ? "\n" : "";
    await fs.writeFile(gitignore, ENC.encode(`${sep}.phase-golem/\n`), { append: true });
  }

  await ctx.out(
    `Initialized phase-golem in ${ctx.rootArg}\n` +
      "  Created: _ideas/, _worklog/, changes/, .phase-golem/\n" +
      `  Config: ${configName}\n` +
      "  Updated: .gitignore\n",
  );
}
