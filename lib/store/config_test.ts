import assert from "node:assert/strict";
import { MemoryFileSystem } from "../io/fs.ts";
import { loadStoreConfig } from "./config.ts";
import { TaskStoreError } from "./errors.ts";

async function load(text: string): Promise<{ prefix: string; len: number } | string> {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p/.task-golem");
  await fs.writeFile("/p/.task-golem/config.yaml", new TextEncoder().encode(text));
  try {
    const c = await loadStoreConfig(fs, "/p/.task-golem");
    return { prefix: c.idPrefix, len: c.idLen };
  } catch (e) {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.exitCode, 1);
    return e.message;
  }
}

Deno.test("loadStoreConfig() reads what upstream reads", async () => {
  const cases: [string, string, number][] = [
    ["", "tg", 5],
    ["---\n", "tg", 5],
    ["--- # nothing here\n", "tg", 5],
    ["# comment only\n", "tg", 5],
    ["id_prefix: HAMY\nid_len: 8\n", "HAMY", 8],
    ["id_prefix: a#b\n", "a#b", 5],
    ["id_prefix: a #b\n", "a", 5],
    ["id_prefix: x\n  y\n", "x y", 5],
    ["id_prefix: 1.50\n", "1.50", 5],
    ["id_prefix: ~\n", "~", 5],
    ['id_prefix: ""\n', "", 5],
    ["a: &p HAMY\nid_prefix: *p\n", "HAMY", 5],
    ["id_len: 0x7\n", "tg", 7],
    ["id_len: 0o7\n", "tg", 7],
    ["id_len: 0b110\n", "tg", 6],
    ["id_len: +5\n", "tg", 5],
  ];
  for (const [text, prefix, len] of cases) {
    assert.deepEqual(await load(text), { prefix, len }, JSON.stringify(text));
  }
});

Deno.test("loadStoreConfig() rejects what upstream rejects", async () => {
  const cases: [string, RegExp][] = [
    ["id_len: 07\n", /^Invalid config\.yaml: id_len: invalid type: string "07"/],
    ["id_len: 00012\n", /^Invalid config\.yaml: id_len: invalid type: string "00012"/],
    ["id_len: 5.0\n", /^Invalid config\.yaml: id_len: invalid type: floating point `5\.0`/],
    ['id_len: "5"\n', /^Invalid config\.yaml: id_len: invalid type: string "5"/],
    ["id_len: -1\n", /^Invalid config\.yaml: id_len: invalid type: integer `-1`/],
    ["id_len: ~\n", /^Invalid config\.yaml: id_len: invalid type: unit value/],
    ["id_len: true\n", /^Invalid config\.yaml: id_len: invalid type: boolean `true`/],
    ["id_prefix: [a]\n", /^Invalid config\.yaml: id_prefix: invalid type: sequence/],
    ["id_prefix: *nope\n", /^Invalid config\.yaml: unknown anchor/],
    [": bad\n", /^Invalid config\.yaml: did not find expected key/],
    ["~\n", /^Invalid config\.yaml: invalid type: unit value, expected struct Config/],
    ["5\n", /^Invalid config\.yaml: invalid type: integer `5`, expected struct Config/],
    ["a: 1\n---\nb: 2\n", /^Invalid config\.yaml: .*more than one document/],
    ["id_len: 2\n", /^id_len must be between 3 and 12 \(default: 5\)$/],
    ["id_len: 13\n", /^id_len must be between 3 and 12 \(default: 5\)$/],
  ];
  for (const [text, message] of cases) {
    const r = await load(text);
    assert.equal(typeof r, "string", JSON.stringify(text));
    assert.match(r as string, message);
  }
});
