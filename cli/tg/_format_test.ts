import assert from "node:assert/strict";
import { type Item, itemToPrettyJson, newItem, serializeItem } from "../../lib/store/item.ts";
import {
  itemsJson,
  table,
  truncateTitle,
  writeItemsJson,
  writeRowsJson,
  writeRowsTable,
} from "./_format.ts";
import { ActiveIndex } from "../../lib/store/active_index.ts";
import { setClaimLease } from "../../lib/store/claims.ts";
import { sortByPriority } from "../../lib/store/graph.ts";

function items(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => {
    const it = newItem(`tg-${i}`, `Item ${i}`, "2026-01-01T00:00:00Z", { tags: ["a"] });
    if (i % 3 === 0) it.extensions["x-n"] = { b: "c" };
    if (i === 3000) it.priority = 9007199254740993n; // beyond 2^53: that piece takes the slow path
    return it;
  });
}

async function written(list: readonly Item[]): Promise<string[]> {
  const pieces: string[] = [];
  await writeItemsJson(list, (text) => {
    pieces.push(text);
    return Promise.resolve();
  });
  return pieces;
}

async function writtenRows(index: ActiveIndex): Promise<string> {
  let out = "";
  await writeRowsJson(index, sortByPriority(index.rows), (text) => {
    out += text;
    return Promise.resolve();
  });
  return out;
}

Deno.test("writeItemsJson() writes exactly what itemsJson() returns, in pieces", async () => {
  for (const n of [0, 1, 2, 2048, 2049, 4096, 5000]) {
    const list = items(n);
    const pieces = await written(list);
    assert.equal(pieces.join(""), itemsJson(list), `${n} items`);
    const expected = n <= 2048 ? 1 : 2 * Math.ceil(n / 2048) + 1;
    assert.equal(pieces.length, expected, `${n} items`);
  }
});

Deno.test("itemsJson() writes the pretty form of each item, also beyond 2^53", () => {
  const list = items(3001).slice(2999);
  const expected = "[\n" + list.map((it) => "  " + itemToPrettyJson(it, "  ")).join(",\n") +
    "\n]\n";
  assert.equal(itemsJson(list), expected);
  assert.equal(itemsJson(list.slice(0, 1)), "[\n  " + itemToPrettyJson(list[0]!, "  ") + "\n]\n");
});

Deno.test("truncateTitle() cuts titles over 50 UTF-8 bytes at a character boundary", () => {
  const reference = (title: string): string => {
    const bytes = new TextEncoder().encode(title);
    if (bytes.length <= 50) return title;
    let cut = 47;
    while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
    return new TextDecoder().decode(bytes.subarray(0, cut)) + "...";
  };
  const titles = ["", "short", "a".repeat(50), "a".repeat(51), "\x7f".repeat(50), "é".repeat(25)]
    .concat(["é".repeat(26), "a".repeat(46) + "é€", "😀".repeat(13), "a".repeat(49) + "\u0080"]);
  for (const t of titles) assert.equal(truncateTitle(t), reference(t), JSON.stringify(t));
});

Deno.test("writeRowsJson() writes what writeItemsJson() writes for the rows' items", async () => {
  const line = (id: string, extra = "", priority = 0n) =>
    serializeItem(newItem(id, `T ${id}`, "2026-01-01T00:00:00Z", { priority })).slice(0, -1) +
    extra + "}";
  const variants = [
    line("tg-a"),
    line("tg-b", ',"x-a":"1","x-b":{"a":[true,null],"b":"c"}', 2n),
    line("tg-c", ',"x-b":"1","x-a":"2"'), // extension keys out of order
    line("tg-d", ',"x-a":{"b":1,"a":2}'), // nested keys out of order, numbers
    line("tg-e", ',"x-a":{"10":"x","9":"y"}'), // keys JavaScript reorders
    line("tg-f", ',"x-a":{"__proto__":"p"}'),
    line("tg-g").replace(',"parent":null', ""),
    line("tg-h", ',"x-a":"v"').replace(',"parent":null', ""),
    line("tg-i").replace(',"parent":null', ',"parent":"tg-a"'),
    line("tg-j", ',"x-\\u00e9":"\\u00e9\\n"'),
    line("tg-k", "", 9007199254740993n),
    line("tg-l").replaceAll(",", ", "),
  ];
  const header = '{"schema_version":1}\n';
  for (const lines of [variants, ...variants.map((v) => [variants[0]!, v])]) {
    const data = new TextEncoder().encode(header + lines.join("\n") + "\n");
    const index = ActiveIndex.parse(data);
    const items = sortByPriority(index.rows).map((r) => index.item(r.index));
    assert.equal(await writtenRows(ActiveIndex.parse(data)), itemsJson(items), lines.join("\n"));
  }
  // many rows, written in pieces
  const many = Array.from({ length: 4100 }, (_, i) => variants[i % 10]!.replace("tg-", `tg-${i}-`));
  const data = new TextEncoder().encode(header + many.join("\n") + "\n");
  const index = ActiveIndex.parse(data);
  const items = sortByPriority(index.rows).map((r) => index.item(r.index));
  assert.equal(await writtenRows(ActiveIndex.parse(data)), itemsJson(items));
});

Deno.test("writeRowsJson() writes lines with awkward strings as itemsJson() writes their items", async () => {
  let seed = 3;
  const rand = (n: number) => { // mulberry32
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const bits = [
    '","',
    ',"title":',
    '],"dependencies":[',
    '],"created_at":',
    ',"parent":',
    '"',
    "\\",
    "\n",
    "\u0001",
    "\u007f",
    "\u2028",
    "é",
    "😀",
    "[",
    "]",
    ",",
    ":",
    " ",
    "x",
  ];
  const str = () => Array.from({ length: rand(6) }, () => bits[rand(bits.length)]).join("");
  const strs = () => Array.from({ length: rand(3) }, str);
  const nullable = () => (rand(2) === 0 ? null : str());
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const it = newItem(`tg-${i}${str()}`, str(), "2026-01-01T00:00:00.000001Z", {
      priority: BigInt(rand(7) - 3),
      description: nullable(),
      tags: strs(),
      dependencies: strs(),
    });
    it.status = (["todo", "doing", "blocked"] as const)[rand(3)]!;
    it.blocked_reason = nullable();
    it.claimed_by = nullable();
    if (it.claimed_by !== null) it.claimed_at = "2026-01-02T00:00:00Z";
    it.parent = nullable();
    let line = serializeItem(it);
    if (it.parent === null && rand(2) === 0) line = line.replace(',"parent":null', "");
    lines.push(line);
  }
  const data = new TextEncoder().encode('{"schema_version":1}\n' + lines.join("\n") + "\n");
  const index = ActiveIndex.parse(data);
  assert.ok(index.rows.every((r) => index.line(r.index) !== null), "every line kept as text");
  const items = sortByPriority(index.rows).map((r) => index.item(r.index));
  assert.equal(await writtenRows(ActiveIndex.parse(data)), itemsJson(items));
});

Deno.test("writeRowsTable() writes what table() writes for the rows' items, in pieces", async () => {
  const lines = Array.from({ length: 4500 }, (_, i) => {
    const it = newItem(`tg-${i}`, `Title ${i} ${"é".repeat(i % 40)}`, "2026-01-01T00:00:00Z");
    it.status = (["todo", "doing", "blocked"] as const)[i % 3]!;
    if (i % 3 === 1) {
      it.claimed_by = "agent";
      it.claimed_at = "2026-01-01T00:00:00Z";
      setClaimLease(it, BigInt(i % 2) * 172_800_000_000_000n + 600_000_000_000n); // 10 min or 2 days
    }
    return serializeItem(it);
  });
  const data = new TextEncoder().encode('{"schema_version":1}\n' + lines.join("\n") + "\n");
  const index = ActiveIndex.parse(data);
  const rows = sortByPriority(index.rows);
  for (const color of [false, true]) {
    const pieces: string[] = [];
    await writeRowsTable(index, rows, color, "2026-01-02T00:00:00Z", (text) => {
      pieces.push(text);
      return Promise.resolve();
    });
    const items = rows.map((r) => index.item(r.index));
    assert.equal(pieces.length, 3);
    assert.match(pieces.join(""), /\[claim of agent expired\]/);
    assert.equal(pieces.join(""), table(items, color, "2026-01-02T00:00:00Z"));
  }
});
