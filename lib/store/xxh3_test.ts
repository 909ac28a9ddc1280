import assert from "node:assert/strict";
import { xxh3 } from "./xxh3.ts";

/** Byte `i` of the test inputs (the same generator produced the reference hashes). */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + (i >> 7) * 17 + 5) & 0xff;
  return out;
}

/**
 * Reference hashes of `pattern(n)` computed by `xxhsum -H3` (xxHash 0.8.1,
 * Debian package `xxhash`). The lengths cover every code path: empty, 1–3,
 * 4–8, 9–16, 17–128 (each 32-byte step), 129–240, and the long path around
 * stripe (64) and block (1024) boundaries.
 */
const VECTORS: [number, string][] = [
  [0, "2d06800538d394c2"],
  [1, "929e358d27ae3ee2"],
  [2, "9b6c60ecb951e839"],
  [3, "30069c90b99182f2"],
  [4, "d829f6f5a95030dd"],
  [5, "a8f5bedbb34a1ccd"],
  [7, "ff4ae85fe831d843"],
  [8, "69a0b1f9db1af9ca"],
  [9, "a15196770bf453d4"],
  [15, "f04bf8072109399b"],
  [16, "98ea59f608d94941"],
  [17, "a08e9bdf66b32953"],
  [31, "fd0fcd048a0cbd90"],
  [32, "ec516da5decbd7b8"],
  [33, "d4eaf1c2bd9fb64b"],
  [63, "d95b82ed888dcea2"],
  [64, "c54ff9dff4f295f0"],
  [65, "e6e445df4b0e396e"],
  [95, "acbed6d1d5ec76fb"],
  [96, "021fb0400f0ace3d"],
  [97, "a59f5ad60eff326e"],
  [127, "4040b439eb0900f4"],
  [128, "99c2e662da058357"],
  [129, "1cd4628f0cf1168e"],
  [160, "6281605a4ea7d5f6"],
  [239, "bbd72f8c01d3fa29"],
  [240, "5a632d6838b0282d"],
  [241, "26dc8f598a4b4699"],
  [255, "e4b606aa56e9387c"],
  [256, "ab437f568c67018d"],
  [257, "8bdb9ef21fee10b2"],
  [511, "50572382647eb947"],
  [512, "22279957e8ad64a4"],
  [1023, "a44b4618318e0a43"],
  [1024, "d0449ffb55831268"],
  [1025, "7c86b9ce06886635"],
  [1087, "b80f0b07bfd59f91"],
  [1088, "90b5d108d53958fb"],
  [1089, "1e55a56c18822375"],
  [2047, "06709b444dd186a4"],
  [2048, "195286e7e8ee1ec4"],
  [2049, "b120a74524c490e0"],
  [4096, "0d9ed01a462c6662"],
  [5000, "5969cd4b567d2553"],
  [16384, "94089bbd5ccdcfe4"],
  [100003, "70d6bbfb9a0fb8c3"],
];

Deno.test("xxh3() matches xxhsum -H3 at every length class", () => {
  for (const [n, hex] of VECTORS) {
    assert.equal(xxh3(pattern(n)).toString(16).padStart(16, "0"), hex, `length ${n}`);
  }
});

Deno.test("xxh3() gives the same result for an unaligned view", () => {
  const data = pattern(5000);
  const shifted = new Uint8Array(5003);
  shifted.set(data, 3);
  const expected = VECTORS.find(([n]) => n === 5000)![1];
  assert.equal(xxh3(shifted.subarray(3)).toString(16).padStart(16, "0"), expected);
});

Deno.test("xxh3() agrees with xxhsum on random inputs (when xxhsum is installed)", async (t) => {
  let ok = true;
  try {
    await new Deno.Command("xxhsum", { args: ["-V"], stdout: "null", stderr: "null" }).output();
  } catch {
    ok = false;
  }
  if (!ok) {
    await t.step({
      name: "xxhsum not on PATH (apt-get install xxhash)",
      ignore: true,
      fn: () => {},
    });
    return;
  }
  const dir = await Deno.makeTempDir();
  try {
    for (const n of [6, 19, 70, 200, 241, 777, 1024 * 3 + 64, 65531]) {
      const data = crypto.getRandomValues(new Uint8Array(n));
      await Deno.writeFile(`${dir}/f`, data);
      const out = await new Deno.Command("xxhsum", { args: ["-H3", `${dir}/f`] }).output();
      const hex = new TextDecoder().decode(out.stdout).trim().split(" = ")[1];
      assert.equal(xxh3(data).toString(16).padStart(16, "0"), hex, `length ${n}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
