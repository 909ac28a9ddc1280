/// <reference lib="dom" />
/**
 * The page: top bar (views, search, live state, the running `pg run`), the
 * current view, the item panel, dialogs, toasts and keyboard shortcuts.
 * Views and the open item live in the URL's hash (`#/board`,
 * `#/graph/tg-3k9xq`), so the browser's back button and links work.
 *
 * @module
 */

import type { VNode } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "htm/preact";
import { ApiError } from "./api.ts";
import { Board, columnCards, COLUMNS, type Filter, ReadyList } from "./board.ts";
import { GraphView } from "./graph.ts";
import { isTyping, ItemDrawer } from "./item.ts";
import { runPhase, RunsView } from "./runs.ts";
import {
  FormError,
  Mark,
  Modal,
  report,
  SearchIcon,
  Toasts,
  useApi,
  useBoard,
  useNow,
} from "./ui.ts";

const VIEWS = [
  { id: "board", label: "Board", key: "1" },
  { id: "ready", label: "Ready", key: "2" },
  { id: "graph", label: "Graph", key: "3" },
  { id: "runs", label: "Runs", key: "4" },
] as const;

type ViewId = typeof VIEWS[number]["id"];

interface Route {
  view: ViewId;
  item: string | null;
}

function parseHash(): Route {
  const [, view, ...rest] = location.hash.replace(/^#/, "").split("/");
  const v = VIEWS.find((x) => x.id === view)?.id ?? "board";
  const item = rest.length > 0 && rest.join("/") !== "" ? decodeURIComponent(rest.join("/")) : null;
  return { view: v, item };
}

function go(route: Route): void {
  const hash = `#/${route.view}${route.item === null ? "" : `/${encodeURIComponent(route.item)}`}`;
  if (location.hash !== hash) location.hash = hash;
}

/** The page. */
export function App(): VNode {
  const api = useApi();
  const state = useBoard();
  const now = useNow(10000);
  const [route, setRoute] = useState<Route>(parseHash);
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [tag, setTag] = useState("");
  const [statuses, setStatuses] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<
    { kind: "new" } | { kind: "block"; id: string } | {
      kind: "help";
    } | null
  >(null);
  const search = useRef<HTMLInputElement>(null);
  const readOnly = state.meta?.readOnly ?? true;

  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  useEffect(() => {
    const t = setTimeout(() => setQuery(q), 80);
    return () => clearTimeout(t);
  }, [q]);
  useEffect(() => {
    document.title = state.meta ? `${state.meta.project} · tg board` : "tg board";
  }, [state.meta?.project]);

  const filter: Filter = useMemo(() => ({ q: query, tag, statuses }), [query, tag, statuses]);
  const open = useCallback((id: string) => {
    setSelected(id);
    go({ view: parseHash().view, item: id });
  }, []);
  const close = useCallback(() => go({ view: parseHash().view, item: null }), []);
  const move = useCallback((id: string, action: string) => {
    if (action === "block") setDialog({ kind: "block", id });
    else void report(() => api.act(id, action));
  }, [api]);

  const tags = useMemo(() => {
    const s = new Set<string>();
    for (const c of state.items.values()) for (const t of c.tags) s.add(t);
    return [...s].sort();
  }, [state.revision]);

  // Keyboard: views, search, new item, help, and moving the selection on the board.
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape") {
        if (dialog !== null) return;
        if (route.item !== null) close();
        else if (isTyping(e)) (e.target as HTMLElement).blur();
        else if (q !== "") setQ("");
        return;
      }
      if (isTyping(e) || dialog !== null) return;
      const view = VIEWS.find((v) => v.key === e.key);
      if (view) {
        e.preventDefault();
        go({ view: view.id, item: null });
      } else if (e.key === "/") {
        e.preventDefault();
        search.current?.focus();
      } else if (e.key === "n" && !readOnly) {
        e.preventDefault();
        setDialog({ kind: "new" });
      } else if (e.key === "?") {
        e.preventDefault();
        setDialog({ kind: "help" });
      } else if (route.view === "board" && route.item === null) {
        boardKeys(e);
      } else if (route.view === "ready" && route.item === null) {
        listKeys(e);
      }
    };
    const boardKeys = (e: KeyboardEvent) => {
      const cols = columnCards(state, filter);
      const shown = COLUMNS.filter((c) => statuses.size === 0 || statuses.has(c.status))
        .map((c) => cols[c.status]!);
      let ci = shown.findIndex((col) => col.some((c) => c.id === selected));
      let ri = ci < 0 ? -1 : shown[ci]!.findIndex((c) => c.id === selected);
      const k = e.key;
      if (k === "j" || k === "ArrowDown") ri++;
      else if (k === "k" || k === "ArrowUp") ri--;
      else if (k === "l" || k === "ArrowRight") ci++;
      else if (k === "h" || k === "ArrowLeft") ci--;
      else if (k === "Enter" && selected !== null) return open(selected);
      else return;
      e.preventDefault();
      if (ci < 0) ci = Math.max(0, shown.findIndex((c) => c.length > 0));
      ci = Math.max(0, Math.min(shown.length - 1, ci));
      const col = shown[ci]!;
      if (col.length === 0) return;
      ri = Math.max(0, Math.min(col.length - 1, ri < 0 ? 0 : ri));
      const id = col[ri]!.id;
      setSelected(id);
      document.querySelector(`.card[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({
        block: "nearest",
      });
    };
    const listKeys = (e: KeyboardEvent) => {
      const ids = state.ready.filter((id) => state.items.has(id));
      let i = ids.indexOf(selected ?? "");
      if (e.key === "j" || e.key === "ArrowDown") i++;
      else if (e.key === "k" || e.key === "ArrowUp") i--;
      else if (e.key === "Enter" && selected !== null) return open(selected);
      else return;
      e.preventDefault();
      const id = ids[Math.max(0, Math.min(ids.length - 1, i))];
      if (id !== undefined) setSelected(id);
    };
    addEventListener("keydown", key);
    return () => removeEventListener("keydown", key);
  }, [state, filter, selected, route, dialog, q, readOnly]);

  const run = state.run;
  const running = run !== null && runPhase(run) === "running";
  const first = running ? run!.running[0] : undefined;
  const counts = COLUMNS.map((c) =>
    c.status === "done"
      ? state.done.length
      : state.order.filter((id) => state.items.get(id)!.status === c.status).length
  );

  return html`<div class="shell">
    <header class="topbar">
      <div class="brand">
        <${Mark} />
        <span class="brand-name">tg board</span>
        ${
    state.meta
      ? html`<span class="brand-project" title=${state.meta.root}>${state.meta.project}</span>`
      : null
  }
      </div>
      <nav class="tabs" aria-label="Views">
        ${
    VIEWS.map((v) =>
      html`
        <a
          key=${v.id}
          class="tab"
          href=${`#/${v.id}`}
          aria-current=${route.view === v.id ? "page" : undefined}
          title=${`${v.label} (${v.key})`}
        >${v.label}${v.id === "ready"
          ? html`
            <span class="count">${state.ready.length}</span>
          `
          : v.id === "runs" && running
          ? html`
            <span class="pulse running" aria-label="a run is working"></span>
          `
          : null}</a>
      `
    )
  }
      </nav>
      <span class="spacer"></span>
      ${
    running
      ? html`<button class="run-chip" onClick=${() =>
        go({ view: "runs", item: null })} title="pg run is working">
          <span class="pulse"></span>${
        first ? `pg run · ${first.phase} · ${first.item_id}` : "pg run · between phases"
      }
        </button>`
      : null
  }
      <label class="search">
        <span class="sr-only">Search</span>
        <${SearchIcon} />
        <input
          ref=${search}
          class="field"
          type="search"
          placeholder="Filter items"
          value=${q}
          onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)}
        />
        ${q === "" ? html`<kbd>/</kbd>` : null}
      </label>
      <span class=${`live${state.connected ? "" : " off"}`} title=${
    state.connected ? "Changes appear as they happen" : "Reconnecting to tg serve…"
  }>
        <span class="live-dot"></span><span class="live-text">${
    state.connected ? "Live" : "Reconnecting…"
  }</span>
      </span>
      ${
    readOnly
      ? html`<span class="pill plain cancelled" title="tg serve --read-only">Read-only</span>`
      : html`<button class="btn primary" onClick=${() =>
        setDialog({ kind: "new" })}>New item <kbd class="kbd-hint">N</kbd></button>`
  }
    </header>
    ${
    state.unauthorized
      ? html`
        <div
          class="banner">This page has no valid token: open the URL that <span class="mono">tg serve</span> printed (a restarted server makes a new one).</div>
      `
      : null
  }
    ${state.error !== null ? html`<div class="banner">${state.error}</div>` : null}
    ${
    route.view === "board" || route.view === "graph"
      ? html`<div class="toolbar">
          <div class="chips" role="group" aria-label="Columns">
            ${
        COLUMNS.map((c, i) =>
          html`
            <button key=${c.status} class="chip" aria-pressed=${statuses.has(c.status)}
              onClick=${() => {
                const s = new Set(statuses);
                if (s.has(c.status)) s.delete(c.status);
                else s.add(c.status);
                setStatuses(s);
              }}><span class=${`dot ${c.status}`}></span>${c
                .label} <span class="muted">${counts[i]}</span></button>
          `
        )
      }
          </div>
          <select class="field" aria-label="Tag" value=${tag} onChange=${(e: Event) =>
        setTag((e.target as HTMLSelectElement).value)}>
            <option value="">All tags</option>
            ${tags.map((t) => html`<option key=${t} value=${t}>${t}</option>`)}
          </select>
          ${
        q !== "" || tag !== "" || statuses.size > 0
          ? html`<button class="btn ghost small" onClick=${() => {
            setQ("");
            setTag("");
            setStatuses(new Set());
          }}>Clear filters</button>`
          : null
      }
          <span class="spacer"></span>
          <span class="muted">${state.items.size} active · ${state.doneTotal} archived · <kbd>?</kbd> shortcuts</span>
        </div>`
      : null
  }
    ${
    !state.loaded
      ? html`<div class="boot">${state.unauthorized ? "" : "Loading the board…"}</div>`
      : route.view === "board"
      ? html`
        <${Board} state=${state} filter=${filter} selected=${selected} now=${now}
          onOpen=${open} onMove=${move} />
      `
      : route.view === "ready"
      ? html`
        <div class="toolbar"><h1>Ready</h1><span class="muted">${state.ready
          .length} items</span></div>
        <${ReadyList} state=${state} filter=${filter} selected=${selected} onOpen=${open} />
      `
      : route.view === "graph"
      ? html`<${GraphView} state=${state} filter=${filter} onOpen=${open} />`
      : html`
        <div class="toolbar">
          <h1>Runs</h1>
        </div>
        <${RunsView} state=${state} onOpen=${open} />
      `
  }
    ${
    route.item !== null
      ? html`
        <${ItemDrawer}
          key=${route.item}
          id=${route.item}
          readOnly=${readOnly}
          onClose=${close}
          onOpen=${open}
          onBlock=${(id: string) => setDialog({ kind: "block", id })}
        />
      `
      : null
  }
    ${
    dialog?.kind === "new"
      ? html`<${NewItemDialog} onClose=${() => setDialog(null)} onCreated=${open} />`
      : null
  }
    ${
    dialog?.kind === "block"
      ? html`<${BlockDialog} id=${dialog.id} onClose=${() => setDialog(null)} />`
      : null
  }
    ${dialog?.kind === "help" ? html`<${HelpDialog} onClose=${() => setDialog(null)} />` : null}
    <${Toasts} />
  </div>` as VNode;
}

function splitList(s: string): string[] {
  return s.split(/[,\s]+/).map((x) => x.trim()).filter((x) => x !== "");
}

function NewItemDialog(
  { onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void },
): VNode {
  const api = useApi();
  const [f, setF] = useState({
    title: "",
    description: "",
    priority: "0",
    tags: "",
    deps: "",
    parent: "",
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) =>
    setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e?: Event) => {
    e?.preventDefault();
    setBusy(true);
    try {
      const message = await api.change("/api/items", {
        title: f.title,
        description: f.description,
        priority: f.priority.trim(),
        tags: splitList(f.tags),
        deps: splitList(f.deps),
        parent: f.parent.trim(),
      });
      onClose();
      report(() => Promise.resolve(message));
      const id = /^Created item: (\S+) - /.exec(message)?.[1];
      if (id) onCreated(id);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err), null));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <${Modal} title="New item" onClose=${onClose}>
      <form class="form" onSubmit=${submit} onKeyDown=${(e: KeyboardEvent) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit(e);
      }}>
        <label>Title<input class="field" name="title" value=${f.title} onInput=${set(
          "title",
        )} placeholder="What needs doing?" /></label>
        <label>Description<textarea class="field" name="description" value=${f
          .description} onInput=${set("description")} placeholder="Optional"></textarea></label>
        <div class="row">
          <label>Priority<input class="field" name="priority" inputmode="numeric" value=${f
            .priority} onInput=${set("priority")} /></label>
          <label>Tags<input class="field" name="tags" value=${f.tags} onInput=${set(
            "tags",
          )} placeholder="backend, docs" /></label>
        </div>
        <div class="row">
          <label>Waits for<input class="field mono" name="deps" value=${f.deps} onInput=${set(
            "deps",
          )} placeholder="IDs" /></label>
          <label>Parent<input class="field mono" name="parent" value=${f.parent} onInput=${set(
            "parent",
          )} placeholder="ID" /></label>
        </div>
        <${FormError} error=${error} />
        <div class="buttons">
          <span class="muted">Enter or Ctrl+Enter adds · Esc cancels</span>
          <button type="button" class="btn" onClick=${onClose}>Cancel</button>
          <button type="submit" class="btn primary" disabled=${busy}>Add item</button>
        </div>
      </form>
      </${Modal}>
  ` as VNode;
}

function BlockDialog({ id, onClose }: { id: string; onClose: () => void }): VNode {
  const api = useApi();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e?: Event) => {
    e?.preventDefault();
    try {
      const message = await api.act(id, "block", { reason });
      onClose();
      report(() => Promise.resolve(message));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err), null));
    }
  };
  return html`
    <${Modal} title=${`Block ${id}`} onClose=${onClose}>
      <form class="form" onSubmit=${submit}>
        <label>Reason<input class="field" name="reason" value=${reason} onInput=${(e: Event) =>
          setReason(
            (e.target as HTMLInputElement).value,
          )} placeholder="What is it waiting for?" /></label>
        <${FormError} error=${error} />
        <div class="buttons">
          <button type="button" class="btn" onClick=${onClose}>Cancel</button>
          <button type="submit" class="btn primary">Block</button>
        </div>
      </form>
      </${Modal}>
  ` as VNode;
}

const SHORTCUTS: [string[], string][] = [
  [["1", "2", "3", "4"], "Board, Ready, Graph, Runs"],
  [["/"], "Filter items"],
  [["N"], "New item"],
  [["J", "K", "H", "L"], "Move through the board (or the arrow keys)"],
  [["Enter"], "Open the selected item"],
  [["S", "D", "T", "B", "U"], "In an item: start, done, to do, block, unblock"],
  [["E"], "In an item: edit the title"],
  [["+", "−", "0"], "Graph: zoom in, out, fit"],
  [["Esc"], "Close, or clear the filter"],
  [["?"], "This help"],
];

function HelpDialog({ onClose }: { onClose: () => void }): VNode {
  return html`
    <${Modal} title="Keyboard shortcuts" onClose=${onClose}>
      <div class="shortcuts">
          ${SHORTCUTS.map(([k, v]) =>
            html`<span key=${k.join()}>${
              k.map((x) =>
                html`
                  <kbd>${x}</kbd>
                `
              )
            }</span><span>${v}</span>`
          )}
        </div>
      <div class="buttons"><button class="btn primary" onClick=${onClose}>Close</button></div>
      </${Modal}>
  ` as VNode;
}
