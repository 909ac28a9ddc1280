/**
 * The card fields that are often `null`: the server leaves them out of the
 * board's JSON (a card is mostly empty fields) and the page puts them back.
 * Shared by both sides, so that they agree; imports nothing, so that the
 * page's bundle can take it.
 *
 * @module
 */

/** Fields of a card (`Card`) left out when `null`. */
export const CARD_NULLABLE = [
  "parent",
  "claimedBy",
  "claimedAt",
  "claimExpiresAt",
  "blockedReason",
  "blockedFrom",
  "pg",
] as const;

/** Fields of a card's pg part (`PgCard`) left out when `null`. */
export const PG_CARD_NULLABLE = [
  "phase",
  "pool",
  "pipeline",
  "size",
  "complexity",
  "risk",
  "impact",
  "blockedType",
  "costUsd",
] as const;
