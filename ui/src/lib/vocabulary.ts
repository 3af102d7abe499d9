// Every word the window shows about custody comes from core in one call
// (`vocabulary`, see core/src/vocabulary.rs), loaded once before the first
// screen. Screens look words up here; none keeps a copy of its own.
import type { Term } from "./generated/Term";
import type { Vocabulary } from "./generated/Vocabulary";

export type { Vocabulary };

let current: Vocabulary | null = null;

export function setVocabulary(v: Vocabulary): void {
  current = v;
}

/** The vocabulary App loaded at start; asking before then is a bug. */
export function words(): Vocabulary {
  if (!current) throw new Error("the desk's vocabulary is not loaded yet");
  return current;
}

/** The label of `value` in `terms`; an unknown value shows as itself, never as nothing. */
export function labelOf<T>(terms: Term<T>[], value: T): string {
  return terms.find((t) => t.value === value)?.label ?? String(value);
}

/** Remaining seconds at which core's urgency changes (where the board re-asks core). */
export function urgencyEdges(v: Vocabulary): number[] {
  return v.urgencies.flatMap((u) => (u.from_remaining_seconds === null ? [] : [u.from_remaining_seconds]));
}
