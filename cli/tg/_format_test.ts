import assert from "node:assert/strict";
import { type Item, itemToPrettyJson, newItem } from "../../lib/store/item.ts";
import { itemsJson, truncateTitle, writeItemsJson } from "./_format.ts";

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

Deno.test("writeItemsJson() writes exactly what itemsJson() returns, in pieces", async () => {
  for (const n of [0, 1, 2, 2048, 2049, 4096, 5000]) {
    const list = items(n);
    const pieces = await written(list);
    assert.equal(pieces.join(""), itemsJson(list), `${n} items`);
    assert.equal(pieces.length, Math.max(1, Math.ceil(n / 2048)), `${n} items`);
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
