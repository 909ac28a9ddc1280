/**
 * Who pg's changes are by, in the store's event log: `pg` and the identity
 * `tg` would record (`TG_AUTHOR`, else the git email), so a reader of
 * `tg events` can tell pg's steps from a person's.
 *
 * @module
 */

import { resolveAuthor, type ResolveAuthorOptions } from "../store/events.ts";

/**
 * The event author for pg: `pg (<identity>)`, or `pg` when there is none.
 *
 * @param options Environment and process runner, as for `resolveAuthor`.
 * @returns The author.
 *
 * @example
 * ```ts
 * import { FakeProcessRunner, pgAuthor } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const runner = new FakeProcessRunner([{ stdout: "dev@example.com\n" }]);
 * assert.equal(await pgAuthor({ env: () => undefined, runner }), "pg (dev@example.com)");
 * assert.equal(await pgAuthor({ env: () => undefined, runner: new FakeProcessRunner([{ code: 1 }]) }), "pg");
 * ```
 */
export async function pgAuthor(options: ResolveAuthorOptions): Promise<string> {
  const who = await resolveAuthor(options);
  return who === "unknown" ? "pg" : `pg (${who})`;
}
