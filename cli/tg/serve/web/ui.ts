/// <reference lib="dom" />
/**
 * Shared pieces of the page: the API context, hooks, toasts, badges and
 * dialogs. Every text goes into the DOM as text (Preact sets `textContent`
 * and attributes; nothing here builds HTML from strings).
 *
 * @module
 */

import { type ComponentChildren, createContext, type VNode } from "preact";
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { html } from "htm/preact";
import { type Api, ApiError, type BoardState } from "./api.ts";
import { initials, pgLabel, priorityClass, relative, statusLabel } from "./format.ts";

/** The API the components use. */
export const ApiContext = createContext<Api | null>(null);

/** The API. */
export function useApi(): Api {
  return useContext(ApiContext)!;
}

/** The board state, re-rendering on every change. */
export function useBoard(): BoardState {
  const api = useApi();
  const [, setRev] = useState(0);
  useEffect(() => api.subscribe(() => setRev((n) => n + 1)), [api]);
  return api.state;
}

/** The current time (ms), updated every `ms` milliseconds. */
export function useNow(ms = 1000): number {
  const api = useApi();
  const [now, setNow] = useState(() => api.now());
  useEffect(() => {
    const t = setInterval(() => setNow(api.now()), ms);
    return () => clearInterval(t);
  }, [api, ms]);
  return now;
}

// ---- Toasts ------------------------------------------------------------------------------------

/** A message shown for a few seconds. */
export interface Toast {
  /** Identity. */
  id: number;
  /** The text. */
  text: string;
  /** `tg`'s hint. */
  hint: string | null;
  /** An error. */
  error: boolean;
}

let toasts: Toast[] = [];
let toastId = 0;
const toastListeners = new Set<() => void>();

function setToasts(next: Toast[]): void {
  toasts = next;
  for (const fn of toastListeners) fn();
}

/**
 * Shows a message.
 *
 * @param text The text.
 * @param options An error, with `tg`'s hint.
 */
export function toast(text: string, options: { error?: boolean; hint?: string | null } = {}) {
  const t: Toast = { id: ++toastId, text, hint: options.hint ?? null, error: !!options.error };
  setToasts([...toasts.slice(-3), t]);
  setTimeout(() => setToasts(toasts.filter((x) => x !== t)), t.error ? 8000 : 4000);
}

/**
 * Shows what a change answered, or why it failed.
 *
 * @param run The change.
 * @returns Whether it succeeded.
 */
export async function report(run: () => Promise<string>): Promise<boolean> {
  try {
    toast(await run());
    return true;
  } catch (e) {
    if (e instanceof ApiError) toast(e.message, { error: true, hint: e.hint });
    else toast(String(e), { error: true });
    return false;
  }
}

/** The toasts, bottom right. */
export function Toasts(): VNode {
  const [, setN] = useState(0);
  useEffect(() => {
    const fn = () => setN((n) => n + 1);
    toastListeners.add(fn);
    return () => void toastListeners.delete(fn);
  }, []);
  return html`<div class="toasts" role="status" aria-live="polite">
    ${
    toasts.map((t) =>
      html`<div key=${t.id} class=${`toast${t.error ? " error" : ""}`}>
        <div>${t.error ? "Error: " : ""}${t.text}</div>
        ${t.hint === null ? null : html`<div class="hint">hint: ${t.hint}</div>`}
      </div>`
    )
  }
  </div>` as VNode;
}

// ---- Badges --------------------------------------------------------------------------------------

/** A status pill. */
export function StatusPill({ status }: { status: string }): VNode {
  return html`<span class=${`pill ${status}`}>${statusLabel(status)}</span>` as VNode;
}

/** pg's status pill. */
export function PgPill({ status }: { status: string }): VNode {
  return html`<span class=${`pill ${status}`} title="pg status">${pgLabel(status)}</span>` as VNode;
}

/** A priority badge (nothing for 0). */
export function Priority({ value, always }: { value: string; always?: boolean }): VNode | null {
  if (value === "0" && !always) return null;
  return html`<span class=${`prio ${
    priorityClass(value)
  }`} title="Priority">P${value}</span>` as VNode;
}

/** Who claimed an item, and when the claim expires. */
export function Claim(
  { by, expiresAt, now }: { by: string; expiresAt: string | null; now: number },
): VNode {
  const expired = expiresAt !== null && Date.parse(expiresAt) <= now;
  return html`<span class="claim" title=${`Claimed by ${by}`}>
    <span class="avatar" aria-hidden="true">${initials(by)}</span>
    <span class="muted">${by}</span>
    ${
    expiresAt === null
      ? null
      : expired
      ? html`<span class="expired">claim expired</span>`
      : html`<span class="muted">· expires ${relative(expiresAt, now)}</span>`
  }
  </span>` as VNode;
}

// ---- Dialogs -------------------------------------------------------------------------------------

/** A modal dialog: Escape or a click outside closes it; focus starts on its first field. */
export function Modal(
  { title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren },
): VNode {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    const first = el.querySelector<HTMLElement>("input, textarea, select, button.primary");
    first?.focus();
    const key = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
      if (e.key === "Tab") {
        const focusable = [...el.querySelectorAll<HTMLElement>("input, textarea, select, button")];
        const i = focusable.indexOf(document.activeElement as HTMLElement);
        if (e.shiftKey && i <= 0) {
          focusable.at(-1)?.focus();
          e.preventDefault();
        } else if (!e.shiftKey && i === focusable.length - 1) {
          focusable[0]?.focus();
          e.preventDefault();
        }
      }
    };
    el.addEventListener("keydown", key);
    return () => el.removeEventListener("keydown", key);
  }, [onClose]);
  return html`
    <div>
      <div class="scrim top" onClick=${onClose}></div>
      <div class="modal" role="dialog" aria-modal="true" aria-label=${title} ref=${ref}>
          <h2>${title}</h2>
          ${children}
        </div>
    </div>
  ` as VNode;
}

/** The error of a form, with `tg`'s hint. */
export function FormError({ error }: { error: ApiError | null }): VNode | null {
  if (error === null) return null;
  return html`<div class="form-error" role="alert">
    <div>Error: ${error.message}</div>
    ${error.hint === null ? null : html`<div class="hint">hint: ${error.hint}</div>`}
  </div>` as VNode;
}

/** A small magnifier icon. */
export function SearchIcon(): VNode {
  return html`
    <svg class="search-icon" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"
      aria-hidden="true">
      <circle cx="7" cy="7" r="4.8" />
      <path d="M10.6 10.6 14 14" stroke-linecap="round" />
    </svg>
  ` as VNode;
}

/** The brand mark. */
export function Mark(): VNode {
  return html`
    <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#4f46e5" />
      <rect x="7" y="8" width="5" height="16" rx="1.5" fill="#fff" />
      <rect x="13.5" y="8" width="5" height="11" rx="1.5" fill="#fff" opacity=".8" />
      <rect x="20" y="8" width="5" height="7" rx="1.5" fill="#fff" opacity=".6" />
    </svg>
  ` as VNode;
}
