// deno-lint-ignore-file no-console
/**
 * A short walk-through of `tg` on a throw-away git repository: init, add
 * with dependencies, list, ready, claim, done, and the files it leaves.
 * Offline; prints every command and its output.
 *
 * Run: `deno task demo`
 *
 * @module
 */

const TG = new URL("../cli/tg.ts", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "tg-demo-" });
const dec = new TextDecoder();

async function sh(cmd: string, args: string[], show = true): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: dir,
    env: { TG_AUTHOR: "demo@example.com", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = dec.decode(out.stdout) + dec.decode(out.stderr);
  if (show) console.log(text.trimEnd());
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed (${out.code})`);
  return dec.decode(out.stdout);
}

async function tg(...args: string[]): Promise<string> {
  console.log(`\n$ tg ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  return await sh(Deno.execPath(), ["run", "--quiet", "-A", TG, ...args]);
}

await sh("git", ["init", "-q", "-b", "main"], false);
await sh("git", ["config", "user.email", "demo@example.com"], false);
await sh("git", ["config", "user.name", "Demo"], false);
console.log(`Demo repository: ${dir}`);

await tg("init");
const design = JSON.parse(await tg("--json", "add", "Design the storage format", "--priority", "2"))
  .id;
await tg("add", "Write the parser", "--dep", design, "--tag", "core");
await tg("add", "Document the CLI", "--priority", "1", "--set", "x-owner=docs");
await tg("list");
await tg("ready");
await tg("do", design, "--claim", "agent-1");
await tg("next");
await tg("done", design);
await tg("ready");
await tg("show", design);
await sh("git", ["add", ".task-golem"], false);
await sh("git", ["commit", "-q", "-m", "Track tasks with tg"], false);
console.log("\n$ git log --oneline");
await sh("git", ["log", "--oneline"]);
console.log("\n$ head -c 300 .task-golem/tasks.jsonl");
console.log((await Deno.readTextFile(`${dir}/.task-golem/tasks.jsonl`)).slice(0, 300) + "…");
console.log(`\nDone. Inspect the repository at ${dir}`);
