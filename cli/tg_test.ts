import assert from "node:assert/strict";
import { BufferIo } from "./_io.ts";
import { main, TG_COMMANDS, type TgCommand } from "./tg.ts";
import { VERSION } from "./_version.ts";
import { newItem, serializeItem } from "../lib/store/item.ts";

/** Every command path of the table with its entry. */
function leaves(cmd: TgCommand, path: string[] = []): [string, TgCommand][] {
  if (cmd.subcommands === undefined) return [[path.join(" "), cmd]];
  return cmd.subcommands.flatMap((c) => leaves(c, [...path, c.name]));
}

Deno.test("TG_COMMANDS gives every runnable command a loader that yields its handler", async () => {
  const all = leaves(TG_COMMANDS);
  assert.ok(all.length >= 24);
  for (const [path, cmd] of all) {
    assert.ok(cmd.load, `${path} has no loader`);
    assert.equal(typeof await cmd.load(), "function", path);
  }
});

Deno.test("TG_COMMANDS has no loader on a command that only groups subcommands", () => {
  const walk = (cmd: TgCommand): void => {
    if (cmd.subcommands === undefined) return;
    assert.equal(cmd.load, undefined, cmd.name);
    cmd.subcommands.forEach(walk);
  };
  walk(TG_COMMANDS);
});

Deno.test("main() runs a command through its loader, and a subcommand through its own", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tg-main-" });
  try {
    const io = new BufferIo({ cwd: dir });
    assert.equal(await main(["init"], io), 0, io.stderr);
    assert.equal(await main(["add", "First"], io), 0, io.stderr);
    assert.equal(await main(["add", "Second"], io), 0, io.stderr);
    const ids = [...io.stdout.matchAll(/\btg-[0-9a-z]+/g)].map((m) => m[0]);
    const [a, b] = [ids.at(-2)!, ids.at(-1)!];
    assert.equal(await main(["dep", "add", b, a], io), 0, io.stderr);
    const json = new BufferIo({ cwd: dir });
    assert.equal(await main(["show", b, "--json"], json), 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).dependencies, [a]);
    const comp = new BufferIo({ cwd: dir });
    assert.equal(await main(["completions", "bash"], comp), 0, comp.stderr);
    assert.match(comp.stdout, /merge-driver/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() prints the version without loading a command", async () => {
  const io = new BufferIo();
  assert.equal(await main(["--version"], io), 0);
  assert.equal(io.stdout, `tg ${VERSION}\n`);
});

Deno.test("main() shows children from canonical and other lines, not from a mention", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tg-main-" });
  try {
    const at = "2026-01-01T00:00:00Z";
    const line = (id: string, title: string, parent: string | null, priority = 0n) => {
      const it = newItem(id, title, at, { priority });
      it.parent = parent;
      return serializeItem(it);
    };
    const spaced = line("tg-ccc", "Spaced child", "tg-aaa", 2n).replaceAll(",", ", ");
    const lines = [
      '{"schema_version":1}',
      line("tg-aaa", "Parent", null),
      line("tg-bbb", "Child", "tg-aaa", 1n),
      spaced,
      line("tg-ddd", 'Mentions "parent":"tg-aaa"', null),
    ];
    await Deno.mkdir(`${dir}/.task-golem`);
    await Deno.writeTextFile(`${dir}/.task-golem/tasks.jsonl`, lines.join("\n") + "\n");
    const io = new BufferIo({ cwd: dir });
    assert.equal(await main(["show", "tg-aaa"], io), 0, io.stderr);
    assert.match(io.stdout, /\nChildren:\n {2}tg-ccc .*Spaced child\n {2}tg-bbb .*Child\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
