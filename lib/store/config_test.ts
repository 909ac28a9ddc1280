import assert from "node:assert/strict";
import { MemoryFileSystem } from "../io/fs.ts";
import { loadStoreConfig, type StoreConfig } from "./config.ts";
import { TaskStoreError } from "./errors.ts";

const DIR = "/repo/.task-golem";

async function load(yaml: string | null): Promise<StoreConfig> {
  const fs = new MemoryFileSystem();
  await fs.mkdirp(DIR);
  if (yaml !== null) await fs.writeFile(`${DIR}/config.yaml`, new TextEncoder().encode(yaml));
  return await loadStoreConfig(fs, DIR);
}

async function loadError(yaml: string): Promise<TaskStoreError> {
  try {
    await load(yaml);
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail(`loaded without error: ${JSON.stringify(yaml)}`);
}

async function prefixOf(yaml: string): Promise<string> {
  return (await load(yaml)).idPrefix;
}

async function lenOf(yaml: string): Promise<number> {
  return (await load(yaml)).idLen;
}

Deno.test("loadStoreConfig() gives the defaults without a config.yaml", async () => {
  assert.deepEqual(await load(null), { idPrefix: "tg", idLen: 5, claimTtl: null, fromFile: false });
});

Deno.test("loadStoreConfig() reads id_prefix and id_len", async () => {
  assert.deepEqual(await load("id_prefix: HAMY\nid_len: 8\n"), {
    idPrefix: "HAMY",
    idLen: 8,
    claimTtl: null,
    fromFile: true,
  });
  assert.deepEqual(await load("id_prefix: WRK\r\nid_len: 6\r\n"), {
    idPrefix: "WRK",
    idLen: 6,
    claimTtl: null,
    fromFile: true,
  });
  assert.equal(await lenOf("id_len: 7 # comment\n"), 7);
  assert.equal(await prefixOf("# leading comment\nid_prefix: a # trailing\n"), "a");
});

Deno.test("loadStoreConfig() treats empty, blank, comment-only and '---' files as defaults", async () => {
  for (
    const yaml of ["", "   \n\n", "# just a note\n", "---\n", "---", "--- # note\n", "---\n# c\n"]
  ) {
    assert.deepEqual(
      await load(yaml),
      { idPrefix: "tg", idLen: 5, claimTtl: null, fromFile: true },
      JSON.stringify(yaml),
    );
  }
});

Deno.test("loadStoreConfig() ignores unknown keys", async () => {
  assert.deepEqual(await load("foo: bar\nnested:\n  a: [1, 2]\nid_len: 4\n"), {
    idPrefix: "tg",
    idLen: 4,
    claimTtl: null,
    fromFile: true,
  });
});

Deno.test("loadStoreConfig() uses the text of any scalar as id_prefix", async () => {
  const cases: [string, string][] = [
    ["id_prefix: 5\n", "5"],
    ["id_prefix: true\n", "true"],
    ["id_prefix: null\n", "null"],
    ["id_prefix: ~\n", "~"],
    ["id_prefix: 1.50\n", "1.50"],
    ["id_prefix: 0x1F\n", "0x1F"],
    ["id_prefix: 007\n", "007"],
    ['id_prefix: ""\n', ""],
    ['id_prefix: "a b"\n', "a b"],
    ["id_prefix: 'quoted'  # c\n", "quoted"],
    ["id_prefix: a b\n", "a b"],
    ["id_prefix: -x\n", "-x"],
    ["id_prefix: !!str 5\n", "5"],
    ["id_prefix: >-\n  folded\n", "folded"],
  ];
  for (const [yaml, prefix] of cases) assert.equal(await prefixOf(yaml), prefix, yaml);
});

Deno.test("loadStoreConfig() rejects a sequence or mapping as id_prefix", async () => {
  for (const yaml of ["id_prefix: [a]\n", "id_prefix: {a: 1}\n", "id_prefix:\n  - a\n"]) {
    const e = await loadError(yaml);
    assert.equal(e.code, "InvalidInput", yaml);
    assert.match(e.message, /^Invalid config\.yaml: id_prefix: /, yaml);
  }
});

Deno.test("loadStoreConfig() accepts YAML integers for id_len, hex included", async () => {
  assert.equal(await lenOf("id_len: 0x7\n"), 7);
  assert.equal(await lenOf("id_len: 0xA\n"), 10);
  assert.equal(await lenOf("id_len: +7\n"), 7);
  assert.equal(await lenOf("id_len: 0o7\n"), 7);
  assert.equal(await lenOf("id_len: 0b111\n"), 7);
  assert.equal(await lenOf("id_len: !!int 9\n"), 9);
  assert.equal(await lenOf("id_len: 3\n"), 3);
  assert.equal(await lenOf("id_len: 12\n"), 12);
});

Deno.test("loadStoreConfig() rejects id_len values that are not unsigned integers", async () => {
  const cases: [string, RegExp][] = [
    ["id_len: 5.0\n", /floating point `5\.0`/],
    ["id_len: 1e1\n", /floating point/],
    ['id_len: "7"\n', /string "7"/],
    ["id_len: '7'\n", /string "7"/],
    ["id_len: 07\n", /string "07"/],
    ["id_len: -5\n", /integer `-5`/],
    ["id_len: null\n", /unit value/],
    ["id_len: ~\n", /unit value/],
    ["id_len: true\n", /boolean/],
    ["id_len: seven\n", /string "seven"/],
    ["id_len: 1_0\n", /string "1_0"/],
    ["id_len: [5]\n", /id_len/],
    ["id_len: 99999999999999999999\n", /u128/],
  ];
  for (const [yaml, detail] of cases) {
    const e = await loadError(yaml);
    assert.equal(e.code, "InvalidInput", yaml);
    assert.equal(e.exitCode, 1, yaml);
    assert.match(e.message, /^Invalid config\.yaml: id_len: /, yaml);
    assert.match(e.message, detail, yaml);
  }
});

Deno.test("loadStoreConfig() rejects id_len outside 3..12", async () => {
  for (const n of ["0", "2", "13", "100", "0x2"]) {
    const e = await loadError(`id_len: ${n}\n`);
    assert.equal(e.code, "InvalidInput");
    assert.equal(e.exitCode, 1);
    assert.equal(e.message, "id_len must be between 3 and 12 (default: 5)");
  }
});

Deno.test("loadStoreConfig() rejects a document that is only null", async () => {
  for (const yaml of ["null\n", "~\n", "--- ~\n", "NULL"]) {
    const e = await loadError(yaml);
    assert.equal(
      e.message,
      "Invalid config.yaml: invalid type: unit value, expected struct Config",
      yaml,
    );
  }
});

Deno.test("loadStoreConfig() rejects more than one document", async () => {
  for (const yaml of ["id_len: 5\n---\nid_len: 6\n", "---\n---\n"]) {
    const e = await loadError(yaml);
    assert.equal(e.code, "InvalidInput");
    assert.match(e.message, /^Invalid config\.yaml: .*more than one document/);
  }
});

Deno.test("loadStoreConfig() rejects invalid YAML and non-mapping documents", async () => {
  for (
    const yaml of ["id_len: [\n", "[1]\n", "just text\n", "id_len: 5\nid_len: 6\n", "\tid_len: 5\n"]
  ) {
    const e = await loadError(yaml);
    assert.equal(e.code, "InvalidInput", yaml);
    assert.equal(e.exitCode, 1, yaml);
    assert.match(e.message, /^Invalid config\.yaml: /, yaml);
  }
});

Deno.test("loadStoreConfig() reports a config.yaml directory as an I/O error", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp(`${DIR}/config.yaml`);
  await assert.rejects(loadStoreConfig(fs, DIR), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "Io");
    assert.equal(e.exitCode, 2);
    return true;
  });
});

Deno.test("loadStoreConfig() keeps claim_ttl as written, on the fast path and through YAML", async () => {
  const cases: [string, string | null][] = [
    ["claim_ttl: 30m\n", "30m"],
    ["id_len: 6\nclaim_ttl: 2h # default lease\n", "2h"],
    ["claim_ttl: 1h 30m\n", "1h 30m"],
    ['claim_ttl: "45s"\n', "45s"],
    ["claim_ttl: 30\n", "30"],
    ["claim_ttl: ~\n", null],
    ["claim_ttl: [1, 2]\n", "[1, 2]"],
  ];
  for (const [yaml, want] of cases) {
    assert.equal((await load(yaml)).claimTtl, want, JSON.stringify(yaml));
  }
});

Deno.test("loadStoreConfig() follows upstream on comments, folding, aliases and missing keys", async () => {
  assert.equal(await prefixOf("id_prefix: a#b\n"), "a#b");
  assert.equal(await prefixOf("id_prefix: a #b\n"), "a");
  assert.equal(await prefixOf("id_prefix: x\n  y\n"), "x y");
  assert.equal(await prefixOf("a: &p HAMY\nid_prefix: *p\n"), "HAMY");
  assert.equal(await lenOf("a: &n 7\nid_len: *n\n"), 7);
  const cases: [string, RegExp][] = [
    [": bad\n", /^Invalid config\.yaml: did not find expected key/],
    ["id_prefix: *nope\n", /^Invalid config\.yaml: unknown anchor/],
    ["...\n", /^Invalid config\.yaml: did not find expected node content/],
    ["5\n", /^Invalid config\.yaml: invalid type: integer `5`, expected struct Config$/],
    ["- a\n", /^Invalid config\.yaml: invalid type: sequence, expected struct Config$/],
  ];
  for (const [yaml, message] of cases) {
    assert.match((await loadError(yaml)).message, message, JSON.stringify(yaml));
  }
});
