import assert from "node:assert/strict";
import { type CommandSpec, parseArgs } from "./_args.ts";

const SPEC: CommandSpec = {
  name: "t",
  about: "test",
  options: [{ long: "json", help: "JSON", global: true }],
  subcommands: [{
    name: "go",
    about: "go",
    options: [
      { long: "force", help: "force" },
      { long: "title", value: "TITLE", help: "title" },
      { long: "tag", value: "TAG", multiple: true, help: "tags" },
    ],
  }],
};

Deno.test("Parsed reads each option by its kind, globals included", () => {
  const p = parseArgs(SPEC, ["go", "--tag", "a", "--force", "--tag=b", "--json"], "t");
  assert.equal(p.flag("force"), true);
  assert.equal(p.flag("json"), true);
  assert.equal(p.value("title"), undefined);
  assert.deepEqual(p.values("tag"), ["a", "b"]);
  const q = parseArgs(SPEC, ["go", "--title", "x"], "t");
  assert.equal(q.flag("force"), false);
  assert.equal(q.value("title"), "x");
  assert.deepEqual(q.values("tag"), []);
});

Deno.test("Parsed refuses an option the command lacks, or one read as the wrong kind", () => {
  const p = parseArgs(SPEC, ["go"], "t");
  assert.throws(() => p.flag("forse"), /'go' has no flag option --forse/);
  assert.throws(() => p.value("force"), /has no value option --force \(it is a flag option\)/);
  assert.throws(() => p.value("tag"), /\(it is a values option\)/);
  assert.throws(() => p.values("title"), /\(it is a value option\)/);
});
