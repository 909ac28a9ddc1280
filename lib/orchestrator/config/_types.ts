// Type-level helpers private to lib/orchestrator.

/**
 * `true` when `A` and `B` are the same type, `false` otherwise. Used to check
 * that a zod schema's output type and the hand-written interface agree in
 * both directions.
 */
export type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
  ? true
  : false;
