/**
 * What a run reports while it goes: the events the CLI turns into a live
 * status block, timestamped lines or JSON lines (`pg run --json`, one event
 * per line). Field names are snake_case because they are the JSON format.
 *
 * @module
 */

/** How a phase execution ended. */
export type PhaseOutcome = "complete" | "subphase_complete" | "failed" | "blocked" | "cancelled";

/** An agent attempt started. */
export interface PhaseStartedEvent {
  /** Event type. */
  type: "phase_started";
  /** Item ID. */
  "item_id": string;
  /** Item title. */
  title: string;
  /** Phase (`triage` for triage). */
  phase: string;
  /** Attempt number, from 1. */
  attempt: number;
  /** Attempts allowed. */
  "max_attempts": number;
}

/** A phase execution (all its attempts) ended. */
export interface PhaseFinishedEvent {
  /** Event type. */
  type: "phase_finished";
  /** Item ID. */
  "item_id": string;
  /** Phase. */
  phase: string;
  /** Outcome. */
  outcome: PhaseOutcome;
  /** Wall time in milliseconds. */
  "duration_ms": number;
  /** Attempts made. */
  attempts: number;
  /** The result's summary, or the failure reason. */
  summary: string;
  /** Cost in US dollars, when the agent reported it. */
  "cost_usd"?: number;
  /** Input tokens, when reported. */
  "input_tokens"?: number;
  /** Output tokens, when reported. */
  "output_tokens"?: number;
}

/** An item became Blocked. */
export interface ItemBlockedEvent {
  /** Event type. */
  type: "item_blocked";
  /** Item ID. */
  "item_id": string;
  /** Why. */
  reason: string;
}

/** An item became Done and was archived. */
export interface ItemCompletedEvent {
  /** Event type. */
  type: "item_completed";
  /** Item ID. */
  "item_id": string;
}

/** pg made a commit. */
export interface CommitEvent {
  /** Event type. */
  type: "commit";
  /** The commit. */
  sha: string;
  /** Its message's first line. */
  subject: string;
  /** `phase`, `batch` or `halt`. */
  kind: string;
}

/** This worker claimed an item on the remote, for one phase (`pg run --sync`). */
export interface ClaimedEvent {
  /** Event type. */
  type: "claimed";
  /** Item ID. */
  "item_id": string;
  /** The phase the claim is for (`triage` for triage). */
  phase: string;
  /** This worker. */
  worker: string;
  /** When the claim expires. */
  "expires_at": string;
  /** The worker whose expired claim was taken over, if any. */
  "taken_over_from"?: string;
}

/**
 * A phase's work conflicted with changes on the remote and was dropped
 * (`pg run --sync`): the phase runs again, or the item is blocked after
 * its last attempt.
 */
export interface SyncConflictEvent {
  /** Event type. */
  type: "sync_conflict";
  /** Item ID. */
  "item_id": string;
  /** Phase. */
  phase: string;
  /** The files that conflict. */
  paths: string[];
  /** The attempt whose work was dropped. */
  attempt: number;
  /** Attempts allowed. */
  "max_attempts": number;
}

/** The run stopped. */
export interface HaltedEvent {
  /** Event type. */
  type: "halted";
  /** The halt reason (e.g. `AllDoneOrBlocked`). */
  reason: string;
  /** Phase executions started. */
  "phases_executed": number;
  /** Items completed. */
  "items_completed": string[];
  /** Items blocked. */
  "items_blocked": string[];
  /** Follow-up items created. */
  "follow_ups_created": number;
  /** Items merged. */
  "items_merged": number;
  /** Commits made. */
  commits: number;
  /** Cost in US dollars the agents reported, when any did. */
  "cost_usd"?: number;
  /** The cost limit, when one was set. */
  "max_cost_usd"?: number;
  /** Why syncing with the remote failed (`SyncFailed`). */
  "sync_error"?: string;
}

/** Any run event. */
export type RunEvent =
  | PhaseStartedEvent
  | PhaseFinishedEvent
  | ItemBlockedEvent
  | ItemCompletedEvent
  | CommitEvent
  | ClaimedEvent
  | SyncConflictEvent
  | HaltedEvent;

/** Receives a run's events and its agents' output. */
export interface RunObserver {
  /** An event happened. */
  event(e: RunEvent): void;
  /** An agent wrote output (never buffered whole by pg). */
  agentOutput?(itemId: string, chunk: Uint8Array, stream: "stdout" | "stderr"): void;
}

/** An observer that ignores everything. */
export const NULL_OBSERVER: RunObserver = { event() {} };

/** An observer that keeps the events, for tests. */
export class RecordingObserver implements RunObserver {
  /** Every event, in order. */
  readonly events: RunEvent[] = [];
  /** @param e The event. */
  event(e: RunEvent): void {
    this.events.push(e);
  }
  /**
   * The events of one type.
   *
   * @param type The type.
   * @returns The events.
   */
  of<T extends RunEvent["type"]>(type: T): Extract<RunEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<RunEvent, { type: T }>[];
  }
}
