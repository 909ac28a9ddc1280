/// <reference lib="dom" />
/**
 * One item in a side panel: its fields (title, priority, tags and
 * description editable), status actions, relations, pg's view and phase
 * history, and the event log with a note form.
 *
 * @module
 */

import type { VNode } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { html } from "htm/preact";
import type { ItemDetail, ItemRef } from "../board_data.ts";
import { ApiError } from "./api.ts";
import {
  absolute,
  duration,
  money,
  outcomeLabel,
  relative,
  shortDate,
  statusLabel,
  tokens,
} from "./format.ts";
import { Claim, FormError, PgPill, Priority, report, StatusPill, useApi, useNow } from "./ui.ts";

/** Actions a status allows, in button order: [action, label, key]. */
export function statusActions(status: string): [string, string, string][] {
  switch (status) {
    case "todo":
      return [["do", "Start", "s"], ["done", "Done", "d"], ["block", "Block…", "b"]];
    case "doing":
      return [["done", "Done", "d"], ["todo", "Back to todo", "t"], ["block", "Block…", "b"]];
    case "blocked":
      return [["unblock", "Unblock", "u"]];
    default:
      return [];
  }
}

interface DrawerProps {
  id: string;
  readOnly: boolean;
  onClose: () => void;
  onOpen: (id: string) => void;
  onBlock: (id: string) => void;
}

/** The item panel. */
export function ItemDrawer({ id, readOnly, onClose, onOpen, onBlock }: DrawerProps): VNode {
  const api = useApi();
  const now = useNow(15000);
  const [detail, setDetail] = useState<ItemDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const panel = useRef<HTMLElement>(null);

  const load = useCallback(() => {
    api.item(id).then((d) => {
      setDetail(d);
      setError(null);
    }).catch((e) => setError(e instanceof ApiError ? e : new ApiError(0, String(e), null)));
  }, [api, id]);

  useEffect(() => {
    setDetail(null);
    load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.onDetailStale(() => {
      clearTimeout(timer);
      timer = setTimeout(load, 60);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [api, id, load]);

  // The panel takes the focus (Tab then reaches its buttons), without a ring around one of them.
  useEffect(() => panel.current?.focus(), [id]);

  const act = (action: string) => {
    if (action === "block") onBlock(id);
    else void report(() => api.act(detail?.card.id ?? id, action));
  };

  // One listener for the panel's life; it reads the latest item and action when a key comes.
  const latest = useRef({ detail, act, readOnly });
  latest.current = { detail, act, readOnly };
  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      const { detail, act, readOnly } = latest.current;
      if (readOnly || detail === null || detail.location !== "active") return;
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      const found = statusActions(detail.card.status).find(([, , k]) => k === e.key);
      if (found) {
        e.preventDefault();
        act(found[0]);
      }
    };
    addEventListener("keydown", keys);
    return () => removeEventListener("keydown", keys);
  }, []);

  const c = detail?.card;
  return html`
    <div>
      <div class="scrim" onClick=${onClose}></div>
      <aside class="drawer" ref=${panel} tabindex="-1" role="dialog" aria-modal="false"
        aria-label=${c ? `${c.id}: ${c.title}` : id}>
        <div class="drawer-head">
            <span class="mono muted">${c?.id ?? id}</span>
            ${c ? html`<${StatusPill} status=${c.status} />` : null}
            ${detail?.ready ? html`<span class="pill ready">Ready</span>` : null}
            ${detail?.location === "archived"
              ? html`<span class="pill plain cancelled">Archived</span>`
              : null}
            <span class="spacer"></span>
            <button class="btn ghost small" onClick=${onClose} aria-label="Close">Close <kbd>Esc</kbd></button>
          </div>
        <div class="drawer-body">
            ${error !== null ? html`<${FormError} error=${error} />` : null}
            ${detail === null
              ? (error === null ? html`<div class="muted">Loading…</div>` : null)
              : html`
                <${Detail}
                  detail=${detail}
                  readOnly=${readOnly}
                  now=${now}
                  onAct=${act}
                  onOpen=${onOpen}
                />
              `}
          </div>
      </aside>
    </div>
  ` as VNode;
}

/** Whether a key went to a text field. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return t !== null &&
    (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
      t.isContentEditable);
}

function Detail(
  { detail, readOnly, now, onAct, onOpen }: {
    detail: ItemDetail;
    readOnly: boolean;
    now: number;
    onAct: (action: string) => void;
    onOpen: (id: string) => void;
  },
): VNode {
  const c = detail.card;
  const editable = !readOnly && detail.location === "active";
  return html`<div>
    <${Title} id=${c.id} title=${c.title} editable=${editable} />
    ${
    editable && statusActions(c.status).length > 0
      ? html`<div class="actions">
          ${
        statusActions(c.status).map(([action, label, key], i) =>
          html`
            <button key=${action} class=${`btn small${i === 0 ? " primary" : ""}`} onClick=${() =>
              onAct(action)}
              data-action=${action}>${label} <kbd class="kbd-hint">${key}</kbd></button>
          `
        )
      }
        </div>`
      : null
  }
    <dl class="props">
      <dt>Status</dt>
      <dd><${StatusPill} status=${c.status} />${
    c.blockedFrom !== null && c.status === "blocked"
      ? html`
        <span class="muted">from ${statusLabel(c.blockedFrom)}</span>
      `
      : null
  }</dd>
      ${
    c.blockedReason
      ? html`
        <dt>Blocked because</dt>
        <dd class="expired">${c.blockedReason}</dd>
      `
      : null
  }
      <dt>Priority</dt>
      <dd><${PriorityField} id=${c.id} value=${c.priority} editable=${editable} /></dd>
      <dt>Tags</dt>
      <dd><${TagsField} id=${c.id} tags=${c.tags} editable=${editable} /></dd>
      ${
    c.claimedBy !== null
      ? html`
        <dt>Claimed</dt>
        <dd><${Claim} by=${c.claimedBy} expiresAt=${c.claimExpiresAt} now=${now} /> ${c.claimedAt
          ? html`<span class="muted" title=${absolute(c.claimedAt)}>· ${
            relative(c.claimedAt, now)
          }</span>`
          : null}</dd>
      `
      : null
  }
      <dt>Created</dt>
      <dd title=${absolute(c.createdAt)}>${relative(c.createdAt, now)}</dd>
      <dt>Updated</dt>
      <dd title=${absolute(c.updatedAt)}>${relative(c.updatedAt, now)}</dd>
      ${
    Object.entries(detail.extensions).map(([k, v]) =>
      html`
        <dt key=${k} class="mono">${k}</dt>
        <dd class="mono">${v}</dd>
      `
    )
  }
    </dl>
    <${Description} id=${c.id} text=${detail.description} editable=${editable} />
    ${c.pg !== null ? html`<${PgSection} detail=${detail} />` : null}
    <${Refs} title="Waits for" refs=${detail.deps} onOpen=${onOpen} />
    <${Refs} title="Needed by" refs=${detail.dependents} onOpen=${onOpen} />
    <${Refs} title="Parent" refs=${
    detail.parent === null ? [] : [detail.parent]
  } onOpen=${onOpen} />
    <${Refs} title="Children" refs=${detail.children} onOpen=${onOpen} />
    <${Events} detail=${detail} now=${now} editable=${editable} />
  </div>` as VNode;
}

function Title({ id, title, editable }: { id: string; title: string; editable: boolean }): VNode {
  const api = useApi();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(title);
  useEffect(() => setValue(title), [title]);
  useEffect(() => {
    if (!editable) return;
    const key = (e: KeyboardEvent) => {
      if (e.key === "e" && !isTyping(e) && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        setEditing(true);
      }
    };
    addEventListener("keydown", key);
    return () => removeEventListener("keydown", key);
  }, [editable]);
  if (!editing) {
    return html`
      <h2
        class=${`item-title${editable ? " editable" : ""}`}
        title=${editable ? "Click or press E to edit" : undefined}
        onClick=${() => editable && setEditing(true)}
      >${title}</h2>
    ` as VNode;
  }
  const save = async () => {
    if (value === title) return setEditing(false);
    if (await report(() => api.act(id, "edit", { title: value }))) setEditing(false);
  };
  return html`
    <input
      class="field title-input"
      aria-label="Title"
      value=${value}
      ref=${(el: HTMLInputElement | null) => el?.focus()}
      onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)}
      onKeyDown=${(e: KeyboardEvent) => {
        if (e.key === "Enter") void save();
        if (e.key === "Escape") {
          e.stopPropagation();
          setValue(title);
          setEditing(false);
        }
      }}
      onBlur=${() => void save()}
    />
  ` as VNode;
}

function PriorityField(
  { id, value, editable }: { id: string; value: string; editable: boolean },
): VNode {
  const api = useApi();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  if (!editable) return html`<${Priority} value=${value} always=${true} />` as VNode;
  const save = async () => {
    if (draft === value) return;
    if (!await report(() => api.act(id, "edit", { priority: draft.trim() }))) setDraft(value);
  };
  return html`
    <input
      class="field prio-input"
      aria-label="Priority"
      inputmode="numeric"
      value=${draft}
      onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)}
      onKeyDown=${(e: KeyboardEvent) => e.key === "Enter" && save()}
      onBlur=${save}
    />
  ` as VNode;
}

function TagsField(
  { id, tags, editable }: { id: string; tags: string[]; editable: boolean },
): VNode {
  const api = useApi();
  const [draft, setDraft] = useState("");
  const add = async () => {
    const t = draft.trim();
    if (t === "") return;
    if (await report(() => api.act(id, "edit", { addTags: [t] }))) setDraft("");
  };
  return html`<div class="tags">
    ${
    tags.map((t) =>
      html`<span class="tag" key=${t}>${t}${
        editable
          ? html`<button aria-label=${`Remove tag ${t}`} onClick=${() =>
            void report(() => api.act(id, "edit", { rmTags: [t] }))}>×</button>`
          : null
      }</span>`
    )
  }
    ${tags.length === 0 && !editable ? html`<span class="muted">none</span>` : null}
    ${
    editable
      ? html`
        <input
          class="field tag-input"
          placeholder="Add tag"
          aria-label="Add tag"
          value=${draft}
          onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)}
          onKeyDown=${(e: KeyboardEvent) => e.key === "Enter" && void add()}
        />
      `
      : null
  }
  </div>` as VNode;
}

function Description(
  { id, text, editable }: { id: string; text: string | null; editable: boolean },
): VNode | null {
  const api = useApi();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(text ?? "");
  useEffect(() => setDraft(text ?? ""), [text]);
  if (!editing && (text === null || text === "") && !editable) return null;
  const save = async () => {
    if (await report(() => api.act(id, "edit", { description: draft }))) setEditing(false);
  };
  return html`<div class="section">
    <h3>Description ${
    editable && !editing
      ? html`<button class="btn ghost small" onClick=${() => setEditing(true)}>Edit</button>`
      : null
  }</h3>
    ${
    editing
      ? html`
        <div class="note-form">
          <textarea class="field" aria-label="Description" value=${draft} ref=${(
            el: HTMLTextAreaElement | null,
          ) => el?.focus()}
            onInput=${(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)} onKeyDown=${(
              e: KeyboardEvent,
            ) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void save();
              if (e.key === "Escape") {
                e.stopPropagation();
                setEditing(false);
              }
            }}></textarea>
          <div class="row">
            <button class="btn small primary" onClick=${() => void save()}>Save</button>
            <button class="btn small ghost" onClick=${() => setEditing(false)}>Cancel</button>
            <span class="muted">Ctrl+Enter saves</span>
          </div>
        </div>
      `
      : text === null || text === ""
      ? html`<p class="muted">No description.</p>`
      : html`<p class="description">${text}</p>`
  }
  </div>` as VNode;
}

function PgSection({ detail }: { detail: ItemDetail }): VNode {
  const pg = detail.card.pg!;
  const h = detail.history;
  const cost = h.some((r) => r.costUsd !== null)
    ? h.reduce((s, r) => s + (r.costUsd ?? 0), 0)
    : null;
  const dims: [string, string | null][] = [
    ["Phase", pg.phase],
    ["Pipeline", pg.pipeline],
    ["Size", pg.size],
    ["Complexity", pg.complexity],
    ["Risk", pg.risk],
    ["Impact", pg.impact],
  ];
  const desc = detail.pgDescription;
  return html`<div class="section">
    <h3>phase-golem <${PgPill} status=${pg.status} />${
    pg.review ? html`<span class="pill scoping plain">Needs review</span>` : null
  }</h3>
    <div class="kv">
      ${
    dims.map(([k, v]) =>
      html`
        <div key=${k}>
          <div class="k">${k}</div>
          <div class="v">${v ?? "—"}</div>
        </div>
      `
    )
  }
    </div>
    ${
    desc !== null
      ? ["problem", "solution", "impact", "sizing_rationale"].filter((k) => desc[k]).map((k) =>
        html`
          <div class="section" key=${k}>
            <h3>${k.replace("_", " ")}</h3>
            <p class="description">${desc[k]}</p>
          </div>
        `
      )
      : null
  }
    <div class="section">
      <h3>Phase history ${
    h.length > 0
      ? html`<span class="muted">${h.length} runs · ${
        duration(h.reduce((s, r) => s + r.durationMs, 0))
      } · ${money(cost)}</span>`
      : null
  }</h3>
      ${
    h.length === 0 ? html`<p class="muted">pg has not run a phase of this item yet.</p>` : html`
      <div class="panel">
        <table class="list">
          <thead>
            <tr>
              <th>Phase</th>
              <th>Outcome</th>
              <th class="num">Time</th>
              <th class="num">Tries</th>
              <th class="num">Cost</th>
              <th class="num">Tokens</th>
            </tr>
          </thead>
          <tbody>
                  ${h.map((r, i) =>
                    html`
                      <tr key=${i}>
                        <td><span class="phase">${r
                          .phase}</span><div class="summary" title=${absolute(
                            r.startedAt,
                          )}>${shortDate(r.startedAt)}</div></td>
                        <td><span class=${`pill ${r.outcome}`}>${outcomeLabel(
                          r.outcome,
                        )}</span></td>
                        <td class="num">${duration(r.durationMs)}</td>
                        <td class="num">${r.attempts}</td>
                        <td class="num">${money(r.costUsd)}</td>
                        <td class="num">${tokens(
                          r.inputTokens === null && r.outputTokens === null
                            ? null
                            : (r.inputTokens ?? 0) + (r.outputTokens ?? 0),
                        )}</td>
                      </tr>
                    `
                  )}
                </tbody>
        </table>
      </div>
    `
  }
    </div>
  </div>` as VNode;
}

function Refs(
  { title, refs, onOpen }: { title: string; refs: ItemRef[]; onOpen: (id: string) => void },
): VNode | null {
  if (refs.length === 0) return null;
  return html`
    <div class="section">
      <h3>${title} <span class="muted">${refs.length}</span></h3>
      <div class="refs">
          ${refs.map((r) =>
            html`<button key=${r.id} class="ref" disabled=${
              r.location === "missing"
            } onClick=${() => onOpen(r.id)}>
          <span class="mono muted">${r.id}</span>
          <span class="ref-title">${r.title ?? "not found in the store"}</span>
          ${
              r.location === "missing"
                ? html`<span class="pill missing">Missing</span>`
                : html`<${StatusPill} status=${r.status ?? "todo"} />`
            }
        </button>`
          )}
        </div>
    </div>
  ` as VNode;
}

function Events(
  { detail, now, editable }: { detail: ItemDetail; now: number; editable: boolean },
): VNode {
  const api = useApi();
  const [text, setText] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const send = async () => {
    try {
      await api.act(detail.card.id, "note", { text });
      setText("");
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e), null));
    }
  };
  const events = [...detail.events].reverse();
  return html`<div class="section">
    <h3>Activity <span class="muted">${detail.events.length}</span></h3>
    ${
    editable
      ? html`
        <div class="note-form">
          <textarea
            class="field"
            placeholder="Add a note to the item's log…"
            aria-label="Note"
            value=${text}
            onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
            onKeyDown=${(e: KeyboardEvent) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send();
            }}
          ></textarea>
          <${FormError} error=${error} />
          <div class="row">
            <button class="btn small primary" onClick=${() => void send()}>Add note</button>
            <span class="muted">Ctrl+Enter</span>
          </div>
        </div>
      `
      : null
  }
    ${
    events.length === 0 ? html`<p class="muted">No events yet.</p>` : html`<ol class="timeline">
          ${
      events.map((e, i) =>
        html`<li key=${i} class=${e.status ? `t-${e.status}` : ""}>
              <div class="ev-head">
                ${
          e.type === "note"
            ? html`<strong>Note</strong>`
            : html`<span>Moved to <${StatusPill} status=${e.status ?? "todo"} /></span>`
        }
                <span class="muted">${e.author}</span>
                <span class="muted" title=${absolute(e.ts)}>${relative(e.ts, now)}</span>
              </div>
              ${e.text !== "" ? html`<div class="ev-text">${e.text}</div>` : null}
            </li>`
      )
    }
        </ol>`
  }
  </div>` as VNode;
}
