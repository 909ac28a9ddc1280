/**
 * A file read again and again where few lines change between reads (the
 * board re-reading `tasks.jsonl` after each write): the new bytes are
 * compared with the last ones, and only the lines between the common start
 * and the common end are decoded and parsed again. The other lines keep the
 * value parsed before, and no text of theirs is made.
 *
 * @module
 */

/** A physical line: its byte span (the newline after it not included) and its value. */
interface Span<T> {
  start: number;
  end: number;
  value: T | null;
}

/** Options for {@linkcode LineCache}. */
export interface LineCacheOptions<T> {
  /**
   * Reads a whole file: calls `each` with every line after the header and
   * its 1-based number, checking what it must (the header, the encoding).
   */
  readAll: (bytes: Uint8Array, each: (line: string, lineNo: number) => void) => void;
  /** The value of a line (`null`: the line stands for nothing, e.g. a blank one). */
  parse: (line: string, lineNo: number) => T | null;
}

const NL = 10;
const DECODER = new TextDecoder("utf-8", { fatal: true });

/** The spans of a file's physical lines. */
function spansOf<T>(bytes: Uint8Array, from: number, to: number): Span<T>[] {
  const out: Span<T>[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (bytes[i] === NL) {
      out.push({ start, end: i, value: null });
      start = i + 1;
    }
  }
  if (start < to) out.push({ start, end: to, value: null });
  return out;
}

/** The values of a file's lines, parsed again only where the file changed. */
export class LineCache<T> {
  readonly #o: LineCacheOptions<T>;
  #bytes: Uint8Array | null = null;
  #spans: Span<T>[] = [];

  /** @param options How the file is read whole, and how a line is parsed. */
  constructor(options: LineCacheOptions<T>) {
    this.#o = options;
  }

  /** Forgets the last read: the next one parses every line. */
  reset(): void {
    this.#bytes = null;
    this.#spans = [];
  }

  /**
   * The values of the file's lines, in order.
   *
   * @param bytes The file's content now (`null`: no file). The cache keeps it: do not change it.
   * @returns The non-null values.
   * @throws What `readAll` or `parse` throw (the cache then forgets the last read).
   */
  update(bytes: Uint8Array | null): T[] {
    try {
      if (bytes === null || bytes.length === 0) {
        this.reset();
        return [];
      }
      const old = this.#bytes;
      if (old === null) this.#full(bytes);
      else this.#partial(old, bytes);
      this.#bytes = bytes;
      return this.values();
    } catch (e) {
      this.reset();
      throw e;
    }
  }

  /** The values of the last read. */
  values(): T[] {
    const out: T[] = [];
    for (const s of this.#spans) if (s.value !== null) out.push(s.value);
    return out;
  }

  #full(bytes: Uint8Array): void {
    const spans = spansOf<T>(bytes, 0, bytes.length);
    this.#o.readAll(bytes, (line, lineNo) => {
      const span = spans[lineNo - 1];
      if (span !== undefined) span.value = this.#o.parse(line, lineNo);
    });
    this.#spans = spans;
  }

  #partial(old: Uint8Array, bytes: Uint8Array): void {
    const n = Math.min(old.length, bytes.length);
    let p = 0;
    while (p < n && old[p] === bytes[p]) p++;
    if (p === old.length && p === bytes.length) return; // the same bytes
    let s = 0;
    while (s < n - p && old[old.length - 1 - s] === bytes[bytes.length - 1 - s]) s++;
    const spans = this.#spans;
    // Lines kept at the start: each with its newline within the common start.
    let i = 0;
    while (i < spans.length && spans[i]!.end < p) i++;
    if (i === 0) return this.#full(bytes); // the header may have changed
    // Lines kept at the end: each with the newline before it within the common end.
    const tail = old.length - s;
    let j = spans.length;
    while (j > i && spans[j - 1]!.start - 1 >= tail) j--;
    const delta = bytes.length - old.length;
    const from = i < spans.length ? spans[i]!.start : old.length;
    // Up to the newline before the first kept line (included: it ends a line,
    // maybe an empty one), or to the end of the file.
    const to = j < spans.length ? spans[j]!.start + delta : bytes.length;
    const middle = spansOf<T>(bytes, from, to);
    // The old lines in between may reappear unchanged (a line inserted before them): reuse those.
    const before = new Map<string, T | null>();
    for (let k = i; k < j; k++) {
      const sp = spans[k]!;
      before.set(DECODER.decode(old.subarray(sp.start, sp.end)), sp.value);
    }
    for (let k = 0; k < middle.length; k++) {
      const span = middle[k]!;
      const lineNo = i + k + 1;
      const line = DECODER.decode(bytes.subarray(span.start, span.end));
      const kept = before.get(line);
      span.value = kept !== undefined
        ? kept
        : line.trim() === ""
        ? null
        : this.#o.parse(line, lineNo);
    }
    if (delta !== 0) {
      for (let k = j; k < spans.length; k++) {
        spans[k]!.start += delta;
        spans[k]!.end += delta;
      }
    }
    spans.splice(i, j - i, ...middle);
  }
}
