/**
 * Number tokens the way upstream `tg` turns `--set` values into numbers.
 *
 * Upstream's JSON parser does not round floats correctly: it gathers at most
 * 19–20 significant digits into a u64 (ignoring the rest), converts that to
 * a double, then multiplies or divides once by a table power of ten (twice
 * or more below 1e-308). The result can be a neighbour of the nearest double
 * (`9007199254740993.0` → `9007199254740994.0`, `-1.5e-300` →
 * `-1.4999999999999998e-300`). `tg add --set` must store the same value to
 * write the same bytes, so this module repeats that arithmetic step by step.
 * Reading files keeps correct rounding, which makes parse → write the
 * identity for every line upstream writes.
 *
 * @module
 */

const U64_MAX = 18446744073709551615n;
const I64_MIN_MAGNITUDE = 9223372036854775808n;
const I32_MAX = 2147483647;
const I32_MIN = -2147483648;

/** Correctly rounded 10^0 … 10^308 (the same table upstream uses). */
const POW10: readonly number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function saturate(n: number): number {
  return n > I32_MAX ? I32_MAX : n < I32_MIN ? I32_MIN : n;
}

/**
 * Scales `significand` by 10^exponent with upstream's arithmetic.
 *
 * @returns The double, or `null` when it overflows.
 */
function fromParts(positive: boolean, significand: bigint, exponent: number): number | null {
  let f = Number(significand);
  for (;;) {
    const magnitude = exponent === I32_MIN ? Infinity : Math.abs(exponent);
    if (magnitude <= 308) {
      if (exponent >= 0) {
        f *= POW10[magnitude]!;
        if (!Number.isFinite(f)) return null;
      } else {
        f /= POW10[magnitude]!;
      }
      break;
    }
    if (f === 0) break;
    if (exponent >= 0) return null;
    f /= 1e308;
    exponent += 308;
  }
  return positive ? f : -f;
}

/**
 * Converts a valid JSON number token as upstream's parser does: `bigint`
 * for integers that fit u64 (or i64 when negative), a double otherwise.
 *
 * @param token A token that matches the JSON number grammar.
 * @returns The value, or `null` when the number overflows a double.
 */
export function serdeNumber(token: string): bigint | number | null {
  const n = token.length;
  let i = 0;
  const positive = token.charCodeAt(0) !== 0x2d;
  if (!positive) i++;

  let significand = 0n;
  // Integer digits beyond u64 are dropped and counted here.
  let skipped = 0;
  let long = false;
  if (token.charCodeAt(i) === 0x30) {
    i++;
  } else {
    while (i < n && isDigit(token.charCodeAt(i))) {
      const next = significand * 10n + BigInt(token.charCodeAt(i) - 0x30);
      if (next > U64_MAX) {
        long = true;
        while (i < n && isDigit(token.charCodeAt(i))) {
          i++;
          skipped++;
        }
        break;
      }
      significand = next;
      i++;
    }
  }

  const exponentPart = (startExp: number): number | null => {
    i++; // e or E
    let positiveExp = true;
    const sign = token.charCodeAt(i);
    if (sign === 0x2b) i++;
    else if (sign === 0x2d) {
      positiveExp = false;
      i++;
    }
    let exp = 0;
    while (i < n && isDigit(token.charCodeAt(i))) {
      const d = token.charCodeAt(i) - 0x30;
      if (exp > (I32_MAX - d) / 10) {
        // Exponent beyond i32: an error upward, a zero downward.
        if (significand !== 0n && positiveExp) return null;
        return positive ? 0 : -0;
      }
      exp = exp * 10 + d;
      i++;
    }
    return fromParts(
      positive,
      significand,
      saturate(positiveExp ? startExp + exp : startExp - exp),
    );
  };

  const c = token.charCodeAt(i);
  if (c === 0x2e) {
    i++;
    let after = 0;
    while (i < n && isDigit(token.charCodeAt(i))) {
      const next = significand * 10n + BigInt(token.charCodeAt(i) - 0x30);
      if (next > U64_MAX) {
        // Further fraction digits are ignored.
        while (i < n && isDigit(token.charCodeAt(i))) i++;
        break;
      }
      significand = next;
      after--;
      i++;
    }
    const e = token.charCodeAt(i);
    if (e === 0x65 || e === 0x45) return exponentPart(skipped + after);
    return fromParts(positive, significand, skipped + after);
  }
  if (c === 0x65 || c === 0x45) return exponentPart(skipped);
  if (long) return fromParts(positive, significand, skipped);
  if (positive) return significand;
  if (significand === 0n) return -0;
  if (significand <= I64_MIN_MAGNITUDE) return -significand;
  return -Number(significand);
}
