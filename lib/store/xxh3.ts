/**
 * XXH3-64 (seed 0, default secret): the content hash in the query cache's
 * freshness stamp, the same function upstream uses, so the stamp of a file
 * is the same number in both implementations.
 *
 * Inputs up to 240 bytes take BigInt arithmetic (a handful of operations).
 * Longer inputs, the hot path (a 10,000-item `tasks.jsonl` is ~4.5 MB), run
 * the stripe loop on 32-bit halves of each 64-bit lane in typed arrays, so no
 * value ever leaves the small-integer/double range V8 handles without
 * allocating.
 *
 * @module
 */

const MASK64 = 0xffffffffffffffffn;
const PRIME32_1 = 0x9e3779b1;
const PRIME32_2 = 0x85ebca77;
const PRIME32_3 = 0xc2b2ae3d;
const PRIME64_1 = 0x9e3779b185ebca87n;
const PRIME64_2 = 0xc2b2ae3d27d4eb4fn;
const PRIME64_3 = 0x165667b19e3779f9n;
const PRIME64_4 = 0x85ebca77c2b2ae63n;
const PRIME64_5 = 0x27d4eb2f165667c5n;
const PRIME_MX1 = 0x165667919e3779f9n;
const PRIME_MX2 = 0x9fb21c651e98df25n;

/** The 192-byte default secret of XXH3 (a published constant of the algorithm). */
const SECRET = new Uint8Array([
  0xb8,
  0xfe,
  0x6c,
  0x39,
  0x23,
  0xa4,
  0x4b,
  0xbe,
  0x7c,
  0x01,
  0x81,
  0x2c,
  0xf7,
  0x21,
  0xad,
  0x1c,
  0xde,
  0xd4,
  0x6d,
  0xe9,
  0x83,
  0x90,
  0x97,
  0xdb,
  0x72,
  0x40,
  0xa4,
  0xa4,
  0xb7,
  0xb3,
  0x67,
  0x1f,
  0xcb,
  0x79,
  0xe6,
  0x4e,
  0xcc,
  0xc0,
  0xe5,
  0x78,
  0x82,
  0x5a,
  0xd0,
  0x7d,
  0xcc,
  0xff,
  0x72,
  0x21,
  0xb8,
  0x08,
  0x46,
  0x74,
  0xf7,
  0x43,
  0x24,
  0x8e,
  0xe0,
  0x35,
  0x90,
  0xe6,
  0x81,
  0x3a,
  0x26,
  0x4c,
  0x3c,
  0x28,
  0x52,
  0xbb,
  0x91,
  0xc3,
  0x00,
  0xcb,
  0x88,
  0xd0,
  0x65,
  0x8b,
  0x1b,
  0x53,
  0x2e,
  0xa3,
  0x71,
  0x64,
  0x48,
  0x97,
  0xa2,
  0x0d,
  0xf9,
  0x4e,
  0x38,
  0x19,
  0xef,
  0x46,
  0xa9,
  0xde,
  0xac,
  0xd8,
  0xa8,
  0xfa,
  0x76,
  0x3f,
  0xe3,
  0x9c,
  0x34,
  0x3f,
  0xf9,
  0xdc,
  0xbb,
  0xc7,
  0xc7,
  0x0b,
  0x4f,
  0x1d,
  0x8a,
  0x51,
  0xe0,
  0x4b,
  0xcd,
  0xb4,
  0x59,
  0x31,
  0xc8,
  0x9f,
  0x7e,
  0xc9,
  0xd9,
  0x78,
  0x73,
  0x64,
  0xea,
  0xc5,
  0xac,
  0x83,
  0x34,
  0xd3,
  0xeb,
  0xc3,
  0xc5,
  0x81,
  0xa0,
  0xff,
  0xfa,
  0x13,
  0x63,
  0xeb,
  0x17,
  0x0d,
  0xdd,
  0x51,
  0xb7,
  0xf0,
  0xda,
  0x49,
  0xd3,
  0x16,
  0x55,
  0x26,
  0x29,
  0xd4,
  0x68,
  0x9e,
  0x2b,
  0x16,
  0xbe,
  0x58,
  0x7d,
  0x47,
  0xa1,
  0xfc,
  0x8f,
  0xf8,
  0xb8,
  0xd1,
  0x7a,
  0xd0,
  0x31,
  0xce,
  0x45,
  0xcb,
  0x3a,
  0x8f,
  0x95,
  0x16,
  0x04,
  0x28,
  0xaf,
  0xd7,
  0xfb,
  0xca,
  0xbb,
  0x4b,
  0x40,
  0x7e,
]);
const SECRET_VIEW = new DataView(SECRET.buffer);
const SECRET32 = new Uint32Array(48);
for (let i = 0; i < 48; i++) SECRET32[i] = SECRET_VIEW.getUint32(i * 4, true);

const STRIPE_LEN = 64;
const STRIPES_PER_BLOCK = (SECRET.length - STRIPE_LEN) / 8; // 16
const BLOCK_LEN = STRIPE_LEN * STRIPES_PER_BLOCK; // 1024
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function secret64(offset: number): bigint {
  return SECRET_VIEW.getBigUint64(offset, true);
}

function read64(v: DataView, offset: number): bigint {
  return v.getBigUint64(offset, true);
}

function rotl64(x: bigint, r: number): bigint {
  return ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK64;
}

function swap64(x: bigint): bigint {
  let r = 0n;
  for (let i = 0; i < 8; i++) {
    r = (r << 8n) | (x & 0xffn);
    x >>= 8n;
  }
  return r;
}

function mul128Fold64(a: bigint, b: bigint): bigint {
  const p = a * b;
  return (p ^ (p >> 64n)) & MASK64;
}

function xxh64Avalanche(h: bigint): bigint {
  h ^= h >> 33n;
  h = (h * PRIME64_2) & MASK64;
  h ^= h >> 29n;
  h = (h * PRIME64_3) & MASK64;
  return h ^ (h >> 32n);
}

function avalanche(h: bigint): bigint {
  h ^= h >> 37n;
  h = (h * PRIME_MX1) & MASK64;
  return h ^ (h >> 32n);
}

function rrmxmx(h: bigint, len: number): bigint {
  h ^= rotl64(h, 49) ^ rotl64(h, 24);
  h = (h * PRIME_MX2) & MASK64;
  h ^= (h >> 35n) + BigInt(len);
  h = (h * PRIME_MX2) & MASK64;
  return h ^ (h >> 28n);
}

function mix16(v: DataView, offset: number, secretOffset: number): bigint {
  return mul128Fold64(
    read64(v, offset) ^ secret64(secretOffset),
    read64(v, offset + 8) ^ secret64(secretOffset + 8),
  );
}

function hashShort(input: Uint8Array): bigint {
  const len = input.length;
  const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (len === 0) return xxh64Avalanche(secret64(56) ^ secret64(64));
  if (len <= 3) {
    const combined = ((input[0]! << 16) | (input[len >> 1]! << 24) | input[len - 1]! |
      (len << 8)) >>> 0;
    const bitflip = BigInt((SECRET_VIEW.getUint32(0, true) ^ SECRET_VIEW.getUint32(4, true)) >>> 0);
    return xxh64Avalanche(BigInt(combined) ^ bitflip);
  }
  if (len <= 8) {
    const lo = BigInt(v.getUint32(len - 4, true));
    const hi = BigInt(v.getUint32(0, true));
    const bitflip = secret64(8) ^ secret64(16);
    return rrmxmx((lo + (hi << 32n)) ^ bitflip, len);
  }
  if (len <= 16) {
    const lo = read64(v, 0) ^ (secret64(24) ^ secret64(32));
    const hi = read64(v, len - 8) ^ (secret64(40) ^ secret64(48));
    const acc = (BigInt(len) + swap64(lo) + hi + mul128Fold64(lo, hi)) & MASK64;
    return avalanche(acc);
  }
  let acc = BigInt(len) * PRIME64_1;
  if (len <= 128) {
    if (len > 32) {
      if (len > 64) {
        if (len > 96) acc += mix16(v, 48, 96) + mix16(v, len - 64, 112);
        acc += mix16(v, 32, 64) + mix16(v, len - 48, 80);
      }
      acc += mix16(v, 16, 32) + mix16(v, len - 32, 48);
    }
    acc += mix16(v, 0, 0) + mix16(v, len - 16, 16);
    return avalanche(acc & MASK64);
  }
  // 129..240 bytes
  for (let i = 0; i < 8; i++) acc += mix16(v, 16 * i, 16 * i);
  acc = avalanche(acc & MASK64);
  const rounds = Math.floor(len / 16);
  for (let i = 8; i < rounds; i++) acc += mix16(v, 16 * i, 16 * (i - 8) + 3);
  acc += mix16(v, len - 16, 136 - 17);
  return avalanche(acc & MASK64);
}

/**
 * Adds the 64-bit product of two 32-bit numbers to the lane at `acc[j]`,
 * `acc[j + 1]`. The low half is exact from `Math.imul`; the double product is
 * off by at most 2^11, so rounding `(a * b - low) / 2^32` gives the exact high half.
 */
function addProduct(acc: Uint32Array, j: number, a: number, b: number): void {
  const pLo = Math.imul(a, b) >>> 0;
  const pHi = Math.round((a * b - pLo) / 4294967296);
  const lo = acc[j]! + pLo;
  acc[j] = lo;
  acc[j + 1] = acc[j + 1]! + pHi + (lo > 0xffffffff ? 1 : 0);
}

/** One 64-byte stripe: `word` indexes the input in 32-bit words, `sw` the secret. */
function accumulate512(acc: Uint32Array, in32: Uint32Array, word: number, sw: number): void {
  for (let i = 0; i < 8; i++) {
    const dLo = in32[word + 2 * i]!;
    const dHi = in32[word + 2 * i + 1]!;
    const kLo = (dLo ^ SECRET32[sw + 2 * i]!) >>> 0;
    const kHi = (dHi ^ SECRET32[sw + 2 * i + 1]!) >>> 0;
    const j = (i ^ 1) * 2;
    const lo = acc[j]! + dLo;
    acc[j] = lo;
    acc[j + 1] = acc[j + 1]! + dHi + (lo > 0xffffffff ? 1 : 0);
    addProduct(acc, 2 * i, kLo, kHi);
  }
}

const SCRATCH = new Uint32Array(2);

/** `acc = ((acc ^ (acc >> 47)) ^ secret) * PRIME32_1` for each lane. */
function scramble(acc: Uint32Array, sw: number): void {
  for (let i = 0; i < 8; i++) {
    const hi = acc[2 * i + 1]!;
    const lo = (acc[2 * i]! ^ (hi >>> 15) ^ SECRET32[sw + 2 * i]!) >>> 0;
    const h = (hi ^ SECRET32[sw + 2 * i + 1]!) >>> 0;
    SCRATCH[0] = 0;
    SCRATCH[1] = 0;
    addProduct(SCRATCH, 0, lo, PRIME32_1);
    acc[2 * i] = SCRATCH[0]!;
    acc[2 * i + 1] = SCRATCH[1]! + Math.imul(h, PRIME32_1);
  }
}

function words(input: Uint8Array): Uint32Array {
  const n = input.length >>> 2;
  if (LITTLE_ENDIAN && input.byteOffset % 4 === 0) {
    return new Uint32Array(input.buffer, input.byteOffset, n);
  }
  const out = new Uint32Array(n);
  const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
  for (let i = 0; i < n; i++) out[i] = v.getUint32(i * 4, true);
  return out;
}

function lane(acc: Uint32Array, i: number): bigint {
  return (BigInt(acc[2 * i + 1]!) << 32n) | BigInt(acc[2 * i]!);
}

function hashLong(input: Uint8Array): bigint {
  const len = input.length;
  const acc = new Uint32Array(16);
  const init = [
    BigInt(PRIME32_3),
    PRIME64_1,
    PRIME64_2,
    PRIME64_3,
    PRIME64_4,
    BigInt(PRIME32_2),
    PRIME64_5,
    BigInt(PRIME32_1),
  ];
  for (let i = 0; i < 8; i++) {
    acc[2 * i] = Number(init[i]! & 0xffffffffn);
    acc[2 * i + 1] = Number(init[i]! >> 32n);
  }
  const in32 = words(input);
  const blocks = Math.floor((len - 1) / BLOCK_LEN);
  for (let n = 0; n < blocks; n++) {
    const base = n * (BLOCK_LEN / 4);
    for (let s = 0; s < STRIPES_PER_BLOCK; s++) accumulate512(acc, in32, base + s * 16, s * 2);
    scramble(acc, (SECRET.length - STRIPE_LEN) / 4);
  }
  const stripes = Math.floor((len - 1 - BLOCK_LEN * blocks) / STRIPE_LEN);
  const base = blocks * (BLOCK_LEN / 4);
  for (let s = 0; s < stripes; s++) accumulate512(acc, in32, base + s * 16, s * 2);
  // The last stripe ends at the last byte; it may start at any byte offset.
  const last = input.slice(len - STRIPE_LEN);
  const lastSecret = new Uint8Array(SECRET.buffer, SECRET.length - STRIPE_LEN - 7, STRIPE_LEN);
  accumulateUnaligned(acc, last, lastSecret);
  let result = BigInt(len) * PRIME64_1;
  for (let i = 0; i < 4; i++) {
    result += mul128Fold64(
      lane(acc, 2 * i) ^ secret64(11 + 16 * i),
      lane(acc, 2 * i + 1) ^ secret64(11 + 16 * i + 8),
    );
  }
  return avalanche(result & MASK64);
}

/** A stripe whose input and secret are given as bytes (the final stripe). */
function accumulateUnaligned(acc: Uint32Array, stripe: Uint8Array, secret: Uint8Array): void {
  const sv = new DataView(secret.buffer, secret.byteOffset, secret.byteLength);
  const iv = new DataView(stripe.buffer, stripe.byteOffset, stripe.byteLength);
  for (let i = 0; i < 8; i++) {
    const dLo = iv.getUint32(8 * i, true);
    const dHi = iv.getUint32(8 * i + 4, true);
    const kLo = (dLo ^ sv.getUint32(8 * i, true)) >>> 0;
    const kHi = (dHi ^ sv.getUint32(8 * i + 4, true)) >>> 0;
    const j = (i ^ 1) * 2;
    const lo = acc[j]! + dLo;
    acc[j] = lo;
    acc[j + 1] = acc[j + 1]! + dHi + (lo > 0xffffffff ? 1 : 0);
    addProduct(acc, 2 * i, kLo, kHi);
  }
}

/**
 * XXH3-64 of `input` with seed 0.
 *
 * @param input The bytes.
 * @returns The hash as an unsigned 64-bit integer.
 *
 * @example
 * ```ts
 * import { xxh3 } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(xxh3(new TextEncoder().encode("abc")), 0x78af5f94892f3950n);
 * assert.equal(xxh3(new Uint8Array()).toString(), "3244421341483603138");
 * ```
 */
export function xxh3(input: Uint8Array): bigint {
  return input.length <= 240 ? hashShort(input) : hashLong(input);
}
