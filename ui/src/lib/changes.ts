// What the shell tells the window when the desk changed (src-tauri/src/watch.rs):
// the board and the sync panel ask again when told, instead of polling.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

/** Something committed to the desk database (here, by the sync loop, or by `wsoctl`). */
export const DESK_CHANGED = "desk-changed";
/** The same, or the background sync's own state moved. */
export const SYNC_CHANGED = "sync-changed";
/** Core's idle clock locked the session. */
export const SESSION_LOCKED = "session-locked";

/**
 * Calls `changed` on every `event` until the returned function is called.
 * Listening starts asynchronously; a stop before it started still stops it.
 */
export function onShellEvent(event: typeof DESK_CHANGED | typeof SYNC_CHANGED | typeof SESSION_LOCKED, changed: () => void): () => void {
  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  listen(event, () => changed())
    .then((u) => { if (stopped) u(); else unlisten = u; })
    .catch((e) => console.error(`listening for ${event}:`, e));
  return () => { stopped = true; unlisten?.(); };
}
