/**
 * What to do next, for the errors where the message alone does not say.
 * Printed as a `hint:` line (human) or a `"hint"` key (JSON) after the
 * upstream-compatible message.
 *
 * @module
 */

import { TaskStoreError } from "../../lib/store/errors.ts";

/**
 * A hint for an error, or `undefined`.
 *
 * @param e The error.
 * @returns One sentence of advice.
 */
export function tgHint(e: unknown): string | undefined {
  if (!(e instanceof TaskStoreError)) return undefined;
  switch (e.code) {
    case "ItemNotFound":
      return "run `tg list` to see active IDs (`tg list --status done` for archived ones)";
    case "AmbiguousId":
      return "type more characters of the ID so that only one matches";
    case "InvalidTransition": {
      const m = /^Invalid transition: (\w+) cannot transition to (\w+)$/.exec(e.message);
      if (m?.[1] === "blocked") return "run `tg unblock <id>` first";
      if (m?.[1] === "done") return "done items are final; add a new item for further work";
      return undefined;
    }
    case "AlreadyClaimed":
      return "pick another item with `tg next`, or have the claimant release it with `tg todo <id>`";
    case "CycleDetected":
      return "drop one dependency of the cycle with `tg dep rm <id> <dep>`";
    case "ParentHasChildren":
      return "complete or reparent the children first (`tg edit <child> --parent-clear`)";
    case "ParentCycle":
      return "choose a parent that is not a descendant of the item";
    case "LockTimeout":
      return "another process holds .task-golem/tasks.lock; retry when it has finished";
    case "StorageCorruption":
    case "SchemaVersionUnsupported":
      return "the store file needs repair; fix or remove the line named above (see `git diff .task-golem/`)";
    default:
      return undefined;
  }
}
