/**
 * Output of `tg query`: the human table and the JSON document, with
 * upstream's number rules and JSON-safety warnings. Pure.
 *
 * @module
 */

import type { QueryResult, QueryValue } from "../../lib/store/query_sandbox.ts";
import { formatFloat, quoteJsonString } from "../../lib/store/json.ts";
import { charCount } from "./_format.ts";

/** Formatted output: stdout text and stderr warning lines. */
export interface QueryOutput {
  /** What goes to stdout. */
  stdout: string;
  /** Warning lines (without newline) for stderr. */
  warnings: string[];
}

const ENCODER = new TextEncoder();
const MAX_SAFE = 9007199254740992n; // 2^53

/**
 * A real as a plain decimal, never in exponent form, integral values without
 * `.0` (`1e16` → `10000000000000000`, `1e-7` → `0.0000001`, `-0.0` → `-0`).
 */
export function plainDecimal(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Number.isNaN(x)) return "NaN";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return sign + "0";
  const [mantissa, exp] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const point = Number(exp) + 1; // digits before the decimal point
  if (point <= 0) return sign + "0." + "0".repeat(-point) + digits;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return sign + digits.slice(0, point) + "." + digits.slice(point);
}

function humanCell(v: QueryValue): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return plainDecimal(v);
  return "<blob>";
}

function byteLength(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return ENCODER.encode(s).length;
  }
  return s.length;
}

/**
 * The human table: a header row and one row per result row, each column
 * padded to its widest cell (width measured in bytes, padding counted in
 * characters, as upstream does), cells joined by two spaces. No rows: the
 * header and `(0 rows)`.
 *
 * @param result The query result.
 * @returns Text ending in a newline.
 */
export function humanOutput(result: QueryResult): string {
  const { columns, rows } = result;
  const cells = rows.map((r) => r.map(humanCell));
  const widths = columns.map(byteLength);
  for (const row of cells) {
    for (let c = 0; c < row.length; c++) {
      const w = byteLength(row[c]!);
      if (w > widths[c]!) widths[c] = w;
    }
  }
  const line = (row: string[]) =>
    row.map((cell, c) => {
      const pad = widths[c]! - charCount(cell);
      return pad > 0 ? cell + " ".repeat(pad) : cell;
    }).join("  ") + "\n";
  let out = line(columns);
  if (cells.length === 0) return out + "(0 rows)\n";
  for (const row of cells) out += line(row);
  return out;
}

/**
 * The JSON document `{"columns": [...], "rows": [[...]]}`, pretty-printed.
 * Integers beyond ±2^53 become strings (one warning per run, naming the
 * first), non-finite reals and blobs become `null` (one warning per cell).
 *
 * @param result The query result.
 * @returns The document and the warnings.
 */
export function jsonOutput(result: QueryResult): QueryOutput {
  const warnings: string[] = [];
  let bigWarned = false;
  const value = (v: QueryValue): string => {
    if (v === null) return "null";
    if (typeof v === "string") return quoteJsonString(v);
    if (typeof v === "bigint") {
      if (v > MAX_SAFE || v < -MAX_SAFE) {
        if (!bigWarned) {
          warnings.push(
            `warning: integer ${v} exceeds JSON-safe range (2^53); emitting as string`,
          );
          bigWarned = true;
        }
        return '"' + v.toString() + '"';
      }
      return v.toString();
    }
    if (typeof v === "number") {
      if (Number.isFinite(v)) return formatFloat(v);
      warnings.push(
        `warning: non-finite real value ${plainDecimal(v)} emitted as JSON null`,
      );
      return "null";
    }
    warnings.push("warning: blob column encountered; emitting as null");
    return "null";
  };
  const columns = result.columns.length === 0
    ? "[]"
    : "[\n" + result.columns.map((c) => "    " + quoteJsonString(c)).join(",\n") + "\n  ]";
  let rows: string;
  if (result.rows.length === 0) {
    rows = "[]";
  } else {
    const parts = new Array<string>(result.rows.length);
    for (let i = 0; i < result.rows.length; i++) {
      const r = result.rows[i]!;
      parts[i] = r.length === 0
        ? "    []"
        : "    [\n" + r.map((v) => "      " + value(v)).join(",\n") + "\n    ]";
    }
    rows = "[\n" + parts.join(",\n") + "\n  ]";
  }
  return {
    stdout: `{\n  "columns": ${columns},\n  "rows": ${rows}\n}\n`,
    warnings,
  };
}
