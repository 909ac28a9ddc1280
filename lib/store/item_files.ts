/**
 * Reading the item files (`tasks.jsonl`, `archive.jsonl`) from their bytes:
 * the parsers that code outside `lib/store` may use (the board's line
 * cache, the sync protocol's look at the remote's store). Writing stays
 * with the store operations; the line-level modules behind these parsers
 * are imported by `lib/store` alone.
 *
 * @module
 */

export { type ArchiveIndex, forEachActiveLine, parseActiveFile, parseActiveLine } from "./jsonl.ts";
