/**
 * The toolkit's version, read from `deno.json` (its one source): `tg
 * --version` and `pg --version` print it, and a release is tagged with it.
 * The JSON module is part of the module graph, so it is published with the
 * package and embedded by `deno compile`.
 *
 * @module
 */

import config from "../deno.json" with { type: "json" };

/** The toolkit's version, e.g. `0.1.0`. */
export const VERSION: string = config.version;
