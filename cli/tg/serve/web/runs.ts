/// <reference lib="dom" />
/**
 * The runs view: the `pg run` working on this repository (its running
 * phases with attempt, elapsed time and cost so far; the latest results;
 * totals per item and per phase), and the totals of every phase run pg
 * recorded in the items' histories.
 *
 * @module
 */

import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { html } from "htm/preact";
import type { RunTotal } from "../../../../lib/orchestrator/run/run_state.ts";
import type { HistoryTotals, RunView } from "../board_data.ts";
import type { BoardState } from "./api.ts";
import { absolute, clock, duration, money, outcomeLabel, relative, tokens } from "./format.ts";
import { useApi, useNow } from "./ui.ts";

/** How a run stands: running, finished, or stopped without finishing (killed). */
export function runPhase(run: RunView): "running" | "finished" | "stopped" {
  if (run.finished_at !== null) return "finished";
  return run.alive ? "running" : "stopped";
}

/** The runs view. */
export function RunsView(
  { state, onOpen }: { state: BoardState; onOpen: (id: string) => void },
): VNode {
  const run = state.run;
  const now = useNow(1000);
  return html`<div class="page">
    ${
    run === null
      ? html`<${NoRun} />`
      : html`<${RunPanel} run=${run} now=${now} state=${state} onOpen=${onOpen} />`
  }
    <${HistoryPanel} revision=${state.revision} onOpen=${onOpen} />
  </div>` as VNode;
}

function NoRun(): VNode {
  return html`
    <div class="panel">
      <div class="panel-head">pg run</div>
      <div class="panel-empty">
          No <span class="mono">pg run</span> has worked on this repository yet. Start one with
          <span class="mono">pg run</span>: its phases show up here as they run.
        </div>
    </div>
  ` as VNode;
}

function title(state: BoardState, id: string, fallback: string): string {
  return state.items.get(id)?.title ?? state.done.find((c) => c.id === id)?.title ?? fallback;
}

function RunPanel(
  { run, now, state, onOpen }: {
    run: RunView;
    now: number;
    state: BoardState;
    onOpen: (id: string) => void;
  },
): VNode {
  const phase = runPhase(run);
  const end = run.finished_at === null ? now : Date.parse(run.finished_at);
  const label = phase === "running"
    ? "Running"
    : phase === "finished"
    ? `Finished: ${run.halt_reason ?? ""}`
    : "Stopped without finishing";
  return html`
    <div>
      <div class="run-head">
          <span class=${`run-state ${phase}`}>${phase === "running"
            ? html`<span class="pulse"></span>`
            : null}${label}</span>
          <span class="muted">pg ${run.kind} · PID ${run.pid} · started <span title=${absolute(
            run.started_at,
          )}>${relative(run.started_at, now)}</span>${run.finished_at !== null
            ? html`
              · ended <span title=${absolute(run.finished_at)}>${relative(
                run.finished_at,
                now,
              )}</span>
            `
            : null}</span>
          ${run.last_commit !== null
            ? html`<span class="muted">last commit <span class="mono">${run.last_commit}</span></span>`
            : null}
        </div>
      <div class="stats">
        <div class="stat">
          <div class="label">Wall time</div>
          <div class="value">${duration(end - Date.parse(run.started_at))}</div>
        </div>
        <div class="stat">
          <div class="label">Phases finished</div>
          <div class="value">${run.totals.runs}</div>
        </div>
        <div class="stat">
          <div class="label">Cost reported</div>
          <div class="value">${money(run.totals.cost_usd)}</div>
        </div>
        <div class="stat">
          <div class="label">Tokens</div>
          <div class="value">${tokens(run.totals.tokens)}</div>
        </div>
        <div class="stat">
          <div class="label">Items done · blocked</div>
          <div class="value">${run.items_completed.length} · ${run.items_blocked.length}</div>
        </div>
        <div class="stat">
          <div class="label">Commits</div>
          <div class="value">${run.commits}</div>
        </div>
      </div>
      <div class="panel" data-panel="running">
          <div class="panel-head">Running now <span class="muted">${run.running.length}</span></div>
          ${run.running.length === 0
            ? html`<div class="panel-empty">${
              phase === "running" ? "Between phases…" : "No phase is running."
            }</div>`
            : html`
              <table class="list">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Phase</th>
                    <th class="num">Attempt</th>
                    <th class="num">Elapsed</th>
                    <th class="num">Cost so far</th>
                  </tr>
                </thead>
                <tbody>
                          ${run.running.map((r) =>
                            html`
                              <tr key=${r.item_id + r.phase} class="clickable" data-id=${r
                                .item_id} onClick=${() => onOpen(r.item_id)}>
                                <td><span class="mono muted">${r
                                  .item_id}</span><div class="title-cell">${title(
                                    state,
                                    r.item_id,
                                    r.title,
                                  )}</div></td>
                                <td><span class="running-phase"><span class="pulse"></span><span class="phase">${r
                                  .phase}</span></span></td>
                                <td class="num">${r.attempt} / ${r.max_attempts}</td>
                                <td class="num" title=${`Since ${absolute(r.started_at)}`}>${clock(
                                  now - Date.parse(r.started_at),
                                )}</td>
                                <td class="num" title="What this item's finished phases of this run cost">${money(
                                  r.cost_usd,
                                )}</td>
                              </tr>
                            `
                          )}
                        </tbody>
              </table>
            `}
        </div>
      <div class="panel" data-panel="results">
          <div class="panel-head">Latest results <span class="muted">${run.recent
            .length}</span></div>
          ${run.recent.length === 0
            ? html`<div class="panel-empty">No phase has finished yet.</div>`
            : html`
              <table class="list">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Phase</th>
                    <th>Outcome</th>
                    <th class="num">Time</th>
                    <th class="num">Cost</th>
                    <th class="num">Ended</th>
                  </tr>
                </thead>
                <tbody>
                          ${run.recent.map((r, i) =>
                            html`
                              <tr key=${i} class="clickable" data-id=${r.item_id} onClick=${() =>
                                onOpen(r.item_id)}>
                                <td><span class="mono muted">${r
                                  .item_id}</span><div class="title-cell">${title(
                                    state,
                                    r.item_id,
                                    r.title,
                                  )}</div>${r.summary !== ""
                                  ? html`<div class="summary">${r.summary}</div>`
                                  : null}</td>
                                <td><span class="phase">${r.phase}</span></td>
                                <td><span class=${`pill ${r.outcome}`}>${outcomeLabel(
                                  r.outcome,
                                )}</span></td>
                                <td class="num">${duration(r.duration_ms)}</td>
                                <td class="num">${money(r.cost_usd)}</td>
                                <td class="num muted" title=${absolute(r.finished_at)}>${relative(
                                  r.finished_at,
                                  now,
                                )}</td>
                              </tr>
                            `
                          )}
                        </tbody>
              </table>
            `}
        </div>
      <div class="grid-2">
        <${TotalsTable}
          title="This run, per item"
          rows=${Object.entries(run.by_item).map(([k, t]) => ({
            key: k,
            label: title(state, k, k),
            t,
          }))}
          onOpen=${onOpen}
        />
        <${TotalsTable}
          title="This run, per phase"
          rows=${Object.entries(run.by_phase).map(([k, t]) => ({ key: k, label: k, t }))}
          onOpen=${null}
        />
      </div>
    </div>
  ` as VNode;
}

function TotalsTable(
  { title, rows, onOpen }: {
    title: string;
    rows: { key: string; label: string; t: RunTotal }[];
    onOpen: ((id: string) => void) | null;
  },
): VNode {
  const sorted = [...rows].sort((a, b) =>
    (b.t.cost_usd ?? -1) - (a.t.cost_usd ?? -1) || b.t.duration_ms - a.t.duration_ms
  );
  return html`<div class="panel">
    <div class="panel-head">${title}</div>
    ${
    sorted.length === 0 ? html`<div class="panel-empty">Nothing yet.</div>` : html`
      <table class="list">
        <thead>
          <tr>
            <th>${onOpen ? "Item" : "Phase"}</th>
            <th class="num">Runs</th>
            <th class="num">Time</th>
            <th class="num">Cost</th>
          </tr>
        </thead>
        <tbody>
              ${sorted.map((r) =>
                html`
                  <tr key=${r.key} class=${onOpen ? "clickable" : ""} onClick=${() =>
                    onOpen?.(r.key)}>
                    <td>${onOpen
                      ? html`
                        <span class="mono muted">${r.key}</span>
                      `
                      : null}<span class=${onOpen ? "" : "phase"}>${onOpen
                      ? r.label
                      : r.key}</span></td>
                    <td class="num">${r.t.runs}</td>
                    <td class="num">${duration(r.t.duration_ms)}</td>
                    <td class="num">${money(r.t.cost_usd)}</td>
                  </tr>
                `
              )}
            </tbody>
      </table>
    `
  }
  </div>` as VNode;
}

function HistoryPanel(
  { revision, onOpen }: { revision: number; onOpen: (id: string) => void },
): VNode | null {
  const api = useApi();
  const [totals, setTotals] = useState<HistoryTotals | null>(null);
  useEffect(() => {
    const t = setTimeout(() => api.history().then(setTotals).catch(() => {}), 150);
    return () => clearTimeout(t);
  }, [api, revision]);
  if (totals === null || totals.all.runs === 0) return null;
  const asRun = (
    h: { runs: number; durationMs: number; costUsd: number | null; tokens: number | null },
  ) => ({
    runs: h.runs,
    "duration_ms": h.durationMs,
    "cost_usd": h.costUsd,
    tokens: h.tokens,
  });
  return html`
    <div>
      <div
        class="run-head"><span class="run-state finished">All recorded phases</span><span class="muted">${totals
          .all.runs} phase runs · ${duration(totals.all.durationMs)} · ${money(
            totals.all.costUsd,
          )}, from the items' phase histories</span></div>
      <div class="grid-2">
        <${TotalsTable}
          title="Per item"
          rows=${totals.byItem.map((h) => ({ key: h.key, label: h.title ?? h.key, t: asRun(h) }))}
          onOpen=${onOpen}
        />
        <${TotalsTable}
          title="Per phase"
          rows=${totals.byPhase.map((h) => ({ key: h.key, label: h.key, t: asRun(h) }))}
          onOpen=${null}
        />
      </div>
    </div>
  ` as VNode;
}
