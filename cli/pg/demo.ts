/**
 * `pg demo`: the whole toolkit on a throw-away repository, offline. It
 * creates a git repository with a task store, a `phase-golem.toml` with a
 * three-phase pipeline (design → build → review, plus a research pre-phase
 * for risky work) and four items, one depending on another, then runs the
 * real `pg run` with a scripted agent (a real subprocess that writes real
 * files and valid result files, proposes one follow-up, and sends one item
 * to human review). It ends with the commits and the store.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { VERSION } from "../_version.ts";
import { addItem } from "../../lib/store/ops/add.ts";
import { TaskStore } from "../../lib/store/store.ts";
import type { PgContext } from "./_context.ts";

/**
 * How `deno run` is given a module of this package: its path when it is a
 * local file (a checkout, `deno install` from one), else its URL (loaded
 * from JSR, `https://jsr.io/@golem/golem/…`).
 *
 * @param url The module's URL.
 * @returns A path or a URL.
 */
export function runnable(url: URL): string {
  return url.protocol === "file:" ? fileURLToPath(url) : url.href;
}

const PG = runnable(new URL("../pg.ts", import.meta.url));
const TG = runnable(new URL("../tg.ts", import.meta.url));
const AGENT = runnable(new URL("./_demo_agent.ts", import.meta.url));

const WORKFLOWS: Record<string, string> = {
  "workflows/research.md": "# Research\n\nList the options and their trade-offs in research.md.\n",
  "workflows/design.md": "# Design\n\nWrite design.md in the change folder.\n",
  "workflows/build.md": "# Build\n\nImplement the design under src/.\n",
  "workflows/review.md": "# Review\n\nReview the change; write review.md.\n",
};

function config(): string {
  const agent = [Deno.execPath(), "run", "--quiet", "--allow-read", "--allow-write", AGENT];
  return `# Written by \`pg demo\`.
[project]
prefix = "WRK"

[guardrails]
max_size = "medium"
max_complexity = "medium"
max_risk = "low"

[execution]
phase_timeout_minutes = 2
max_retries = 1
max_wip = 2
max_concurrent = 2

[agent]
cli = "command"
command = ${JSON.stringify([...agent, "{result_path}", "{prompt}"])}

[pipelines.feature]
pre_phases = [
  { name = "research", workflows = ["workflows/research.md"], is_destructive = false },
]
phases = [
  { name = "design", workflows = ["workflows/design.md"], is_destructive = false },
  { name = "build", workflows = ["workflows/build.md"], is_destructive = true },
  { name = "review", workflows = ["workflows/review.md"], is_destructive = false },
]
`;
}

async function run(
  cmd: string,
  args: string[],
  cwd: string,
  capture = true,
): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { TG_AUTHOR: "demo@example.com" },
    stdin: "null",
    stdout: capture ? "piped" : "inherit",
    stderr: capture ? "piped" : "inherit",
  }).output();
  const stdout = capture ? new TextDecoder().decode(out.stdout) : "";
  if (capture && !out.success) {
    throw new CliError(
      `${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return { code: out.code, stdout };
}

/** Runs `pg demo`. */
export async function demo(_p: Parsed, ctx: PgContext): Promise<void> {
  if (Deno.build.standalone) {
    // The scripted agent, and the pg and tg the demo runs, are Deno scripts.
    throw new CliError(
      `Cannot run pg demo from a standalone binary: it runs pg, tg and a scripted agent with Deno. With Deno installed: deno run --allow-read --allow-write --allow-env --allow-run jsr:@golem/golem@${VERSION}/pg demo`,
    );
  }
  const t0 = performance.now();
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-demo-" }));
  const say = (text: string) => ctx.io.write(text + "\n");
  await say(`Demo repository: ${dir}\n`);

  for (
    const args of [
      ["init", "-q", "-b", "main"],
      ["config", "user.name", "pg demo"],
      ["config", "user.email", "demo@example.com"],
      ["config", "commit.gpgsign", "false"],
    ]
  ) await run("git", args, dir);

  const store = new TaskStore(`${dir}/.task-golem`);
  await store.init();
  await Deno.writeTextFile(`${dir}/.gitignore`, ".phase-golem/\n");
  await Deno.writeTextFile(`${dir}/phase-golem.toml`, config());
  for (const [path, text] of Object.entries(WORKFLOWS)) {
    await Deno.mkdir(`${dir}/workflows`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  await Deno.writeTextFile(`${dir}/README.md`, "# Demo project\n");

  // Four backlog items, added like `tg add` would (New, to be triaged).
  const add = (title: string, deps: string[] = []) =>
    addItem(store, { title, deps }, { prefix: "WRK" });
  const parser = await add("Write the config parser");
  const items = [
    parser,
    await add("Add a --verbose flag", [parser.id]),
    await add("Redesign the storage layer"),
    await add("Fix the typo in the README"),
  ];
  const ids = items.map((it) =>
    `${it.id}  ${it.title}${it.dependencies.length ? `  (after ${it.dependencies[0]})` : ""}`
  );
  await run("git", ["add", "-A"], dir);
  await run("git", ["commit", "-q", "-m", "Demo project: backlog, config, workflows"], dir);
  await say("Backlog:\n  " + ids.join("\n  ") + "\n");
  await say(`$ pg run\n`);

  const runResult = await run(
    Deno.execPath(),
    ["run", "--quiet", "--allow-all", PG, "--root", dir, "run"],
    dir,
    false,
  );

  await say(`\n$ git log --oneline`);
  await say((await run("git", ["log", "--oneline"], dir)).stdout.trimEnd());
  for (const args of [["list"], ["list", "--status", "done"]]) {
    await say(`\n$ tg ${args.join(" ")}`);
    await say(
      (await run(Deno.execPath(), ["run", "--quiet", "--allow-all", TG, ...args], dir)).stdout
        .trimEnd(),
    );
  }
  await say(`\n$ pg status`);
  await say(
    (await run(Deno.execPath(), ["run", "--quiet", "--allow-all", PG, "status"], dir)).stdout
      .trimEnd(),
  );
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  await say(
    `\nDemo finished in ${secs} s (pg run exited ${runResult.code}). Inspect the repository at ${dir}`,
  );
  const waiting = (await store.loadActive()).find((it) => it.status === "blocked");
  if (waiting) {
    await say(
      `"${waiting.title}" waits for a human decision; approve it with\n  cd ${dir} && deno run -A ${PG} unblock ${waiting.id}`,
    );
  }
}
