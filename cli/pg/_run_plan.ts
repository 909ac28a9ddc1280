/**
 * What `pg run --dry-run` prints on stdout: the actions the run would
 * start with, each with why, the items it would not schedule, each with
 * why, and whether it would halt at once; as text, or with `--json` as one
 * JSON object (`"type": "plan"`) on one line.
 *
 * @module
 */

import { pgStatusToSnake } from "../../lib/adapter/pg_status.ts";
import type { DryRunOutcome } from "../../lib/orchestrator/run/run_session.ts";
import type { SchedulerAction } from "../../lib/orchestrator/scheduling/scheduler.ts";

function actionText(a: SchedulerAction): string {
  switch (a.kind) {
    case "Promote":
      return `promote ${a.itemId}`;
    case "Triage":
      return `triage ${a.itemId}`;
    case "RunPhase":
      return `${a.itemId} → ${a.phase}`;
  }
}

/**
 * The plan as text.
 *
 * @param outcome The dry run's outcome.
 * @returns Lines, ending in a newline.
 */
export function formatPlanText(outcome: DryRunOutcome): string {
  const { plan, titles } = outcome;
  const title = (id: string) => JSON.stringify(titles.get(id) ?? id);
  const lines = ["Dry run: nothing was started, changed or committed."];
  for (const note of plan.notes) lines.push(note);
  if (plan.actions.length > 0) {
    lines.push("The run would start with:");
    plan.actions.forEach((a, i) => {
      lines.push(`  ${i + 1}. ${actionText(a.action)} ${title(a.action.itemId)}: ${a.why}`);
    });
  }
  if (plan.skipped.length > 0) {
    lines.push("Not scheduled:");
    for (const s of plan.skipped) {
      lines.push(`  ${s.itemId} (${pgStatusToSnake(s.status)}) ${title(s.itemId)}: ${s.detail}`);
    }
  }
  const limit = outcome.maxCostUsd === null ? "" : `, cost limit $${outcome.maxCostUsd.toFixed(2)}`;
  lines.push(
    plan.halt === null
      ? `Then it goes on until nothing is left to do (cap ${outcome.cap}${limit}).`
      : `The run would halt ${plan.actions.length > 0 ? "then" : "at once"}: ${plan.halt}`,
  );
  return lines.join("\n") + "\n";
}

/**
 * The plan as one JSON line: `{"type": "plan", "halt", "cap",
 * "max_cost_usd", "actions", "not_scheduled", "notes"}`. An action is `{"action": "promote" | "phase"
 * | "triage", "item_id", "title", "phase"?, "destructive"?, "why"}`; an
 * item not scheduled is `{"item_id", "title", "status", "reason",
 * "detail"}`.
 *
 * @param outcome The dry run's outcome.
 * @returns The line, ending in a newline.
 */
export function formatPlanJson(outcome: DryRunOutcome): string {
  const { plan, titles } = outcome;
  const title = (id: string) => titles.get(id) ?? id;
  const actions = plan.actions.map(({ action: a, why }) => {
    const base = { "item_id": a.itemId, title: title(a.itemId) };
    switch (a.kind) {
      case "Promote":
        return { action: "promote", ...base, why };
      case "Triage":
        return { action: "triage", ...base, phase: "triage", why };
      case "RunPhase":
        return { action: "phase", ...base, phase: a.phase, destructive: a.isDestructive, why };
    }
  });
  const notScheduled = plan.skipped.map((s) => ({
    "item_id": s.itemId,
    title: title(s.itemId),
    status: pgStatusToSnake(s.status),
    reason: s.code,
    detail: s.detail,
  }));
  return JSON.stringify({
    type: "plan",
    halt: plan.halt,
    cap: outcome.cap,
    "max_cost_usd": outcome.maxCostUsd,
    actions,
    "not_scheduled": notScheduled,
    notes: plan.notes,
  }) + "\n";
}
