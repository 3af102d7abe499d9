// Words for the sync panel. Every fact (waiting count, whether the clocks
// differ too much, what a problem means and what to do) comes from core;
// this only phrases numbers for a deputy.
import type { SyncView } from "./api";

/** `130` -> `2 min 10 s`; `3720` -> `1 h 2 min`; sign ignored. */
export function durationText(seconds: number): string {
  const s = Math.abs(Math.trunc(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/**
 * The clock difference as core measured it: endpoint clock minus this
 * computer's. Positive means the endpoint is ahead.
 */
export function clockDifferenceText(seconds: number | null): string {
  if (seconds === null) return "not measured yet";
  if (seconds === 0) return "none (clocks agree)";
  const side = seconds > 0 ? "ahead of" : "behind";
  return `endpoint ${durationText(seconds)} ${side} this computer`;
}

export function waitingText(n: number): string {
  return `${n} event${n === 1 ? "" : "s"} waiting`;
}

export type Reachability = "unconfigured" | "unknown" | "reachable" | "unreachable";

export function reachability(view: Pick<SyncView, "configured" | "reachable">): Reachability {
  if (!view.configured) return "unconfigured";
  if (view.reachable === null) return "unknown";
  return view.reachable ? "reachable" : "unreachable";
}

export function reachabilityText(r: Reachability): string {
  switch (r) {
    case "unconfigured": return "No ICE endpoint configured";
    case "unknown": return "Not tried yet";
    case "reachable": return "Reachable";
    case "unreachable": return "Not reachable";
  }
}

/** Core's messages are clauses ("endpoint refused ..."): show them as sentences. */
export function sentence(clause: string): string {
  const t = clause.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
