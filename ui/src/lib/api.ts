// The one module that talks to the Rust shell. Every screen goes through
// these typed functions; errors arrive as {code, field, message} and screens
// switch on `code` / `field`, never on message text.
import { invoke } from "@tauri-apps/api/core";

export type Role = "deputy" | "supervisor" | "admin";
export type Urgency = "normal" | "notice" | "warning" | "urgent" | "overdue";
export type ActionRequired = "release" | "confirm_transfer";

export interface Actor { username: string; full_name: string; role: Role }
export interface Zone { id: string; name: string; inside: boolean }
export interface Facility {
  id: string; name: string; timezone: string; igsa: boolean; shift_hours: number; zones: Zone[];
}
export interface AppInfo {
  facility: Facility; banner: string; idle_lock_seconds: number; now_local: string;
  session: { actor: Actor; state: SessionState } | null;
}
export type SessionState = "active" | "locked" | "expired";
export interface SignedIn { actor: Actor; must_change_password: boolean }

export interface Hold {
  hold_id: string; status: "open" | "transferred" | "released";
  family_name: string; given_names: string; date_of_birth: string;
  booking_number: string; a_number: string | null;
  warrant_form: string; warrant_number: string; detainer_number: string | null;
  officer_credential: string; zone_id: string; zone_name: string; inside_perimeter: boolean;
  authority: "wso_48h" | "igsa";
  served_at: string; served_at_local: string;
  deadline_at: string | null; deadline_local: string | null;
  remaining_seconds: number | null; urgency: Urgency | null;
  action_required: ActionRequired | null; ice_release_kind: string | null;
  pickup_at: string | null; pickup_after_deadline: boolean; held_seconds: number;
  closed_at: string | null; closed_at_local: string | null;
  release_reason: string | null; release_note: string | null; ice_officer: string | null;
}
export interface HoldEvent {
  event_id: string; seq: number; type: string; occurred_at: string; recorded_at: string;
  recorded_by: string; body: Record<string, unknown>;
}
export interface HoldDetail extends Hold { events: HoldEvent[]; ice_updates: Record<string, unknown>[] }
export interface Board {
  facility_name: string; now: string; now_local: string; names_hidden: boolean; holds: Hold[];
}
export interface NewHold {
  family_name: string; given_names: string; date_of_birth: string; booking_number: string;
  a_number: string | null; warrant_form: string; warrant_number: string;
  detainer_number: string | null; officer_credential: string; served_at: string; zone_id: string;
  lat: number | null; lon: number | null;
}
export interface BookingPreview {
  served_at: string; served_at_local: string; authority: "wso_48h" | "igsa";
  deadline_at: string | null; deadline_local: string | null;
}
export interface Officer {
  credential: string; name: string; trained_on: string; expires_on: string; active: boolean;
  expiring_soon: boolean; expired: boolean;
}
export interface UserRow {
  username: string; full_name: string; role: Role; active: boolean; locked: boolean;
  must_change_password: boolean;
}

/** Sync with the ICE endpoint, as core computed it (see commands/sync.rs). */
export interface SyncProblem { code: string; message: string; action: string }
export interface SyncRejection { seq: number; event_id: string; code: string; message: string }
export interface SyncStatus {
  reachable: boolean | null; events_waiting: number; acked_seq: number; last_seq: number;
  last_success_at: string | null; last_attempt_at: string | null;
  clock_skew_seconds: number | null; clock_skew_warning: boolean;
  last_error: SyncProblem | null; problems: SyncProblem[]; rejected_events: SyncRejection[];
  unapplied_updates: Record<string, unknown>[]; batch_size: number;
}
export interface SyncView {
  configured: boolean; endpoint_url: string | null; running: boolean; syncing: boolean;
  reachable: boolean | null; next_attempt_in_seconds: number | null; loop_error: string | null;
  last_success_local: string | null; last_attempt_local: string | null; status: SyncStatus;
}
export interface EndpointSettings { url: string | null; token_set: boolean }
export interface ConnectionCheck {
  reachable: boolean; credentials_accepted: boolean; acked_seq: number | null;
  clock_skew_seconds: number | null; clock_skew_warning: boolean; message: string;
}

/** The shift handoff sheet as core computed it (wso_core::handoff::HandoffSheet). */
export interface ShiftWindow { start_at: string; start_local: string; end_at: string; end_local: string }
export interface Person { username: string; full_name: string }
export interface IceAction { kind: string; text: string }
export interface SheetHold {
  hold_id: string; family_name: string; given_names: string; booking_number: string;
  warrant_form: string; warrant_number: string; authority: "wso_48h" | "igsa";
  served_at: string; served_at_local: string; deadline_at: string | null; deadline_local: string | null;
  remaining_seconds: number | null; remaining_text: string; held_seconds: number;
  urgency: Urgency | null; release_required: boolean; status_text: string; due_next_shift: boolean;
  zone_id: string; zone_name: string; inside_perimeter: boolean; pending_ice_actions: IceAction[];
}
export interface ClosedHold {
  hold_id: string; family_name: string; given_names: string; booking_number: string;
  warrant_form: string; warrant_number: string; status: string; closed_at: string; closed_at_local: string;
  outcome_text: string;
}
export interface Acknowledgement {
  incoming: Person; outgoing: Person; acknowledged_at: string; acknowledged_at_local: string;
  sheet_printed_at: string | null; sheet_printed_at_local: string | null;
}
export interface HandoffSheet {
  facility_id: string; facility_name: string; timezone: string; desk_id: string; shift_hours: number;
  ending_shift: ShiftWindow; next_shift: ShiftWindow; printed_at: string; printed_at_local: string;
  prepared_by: Person;
  summary: { open: number; release_required: number; due_next_shift: number; outside_perimeter: number; igsa: number; closed_in_shift: number };
  open_holds: SheetHold[]; closed_in_shift: ClosedHold[];
  sync: { undelivered_events: number; last_success_at: string | null; last_success_local: string | null };
  last_acknowledgement: Acknowledgement | null;
}
export type Paper = "letter" | "a4";
export interface SavedSheet { path: string; pages: number; missing_glyphs: boolean; cjk_font_missing: boolean }
/** The workstation's wall clock moved differently from real time (see src-tauri/src/clock.rs). */
export interface ClockJump { jump_seconds: number; from_local: string; to_local: string }

/** What a command refused with; `field` names the input at fault. */
export class ApiError extends Error {
  constructor(public code: string, public field: string | null, message: string) {
    super(message);
  }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) {
      const p = e as { code: string; field: string | null; message: string };
      throw new ApiError(p.code, p.field ?? null, p.message);
    }
    throw new ApiError("internal", null, String(e));
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  signIn: (username: string, password: string) => call<SignedIn>("sign_in", { username, password }),
  signOut: () => call<void>("sign_out"),
  touchSession: () => call<SessionState>("touch_session"),
  lockSession: () => call<void>("lock_session"),
  unlockSession: (password: string) => call<void>("unlock_session", { password }),
  changePassword: (current: string, next: string) => call<void>("change_password", { current, new: next }),
  board: (all = false) => call<Board>("board", { all }),
  holdDetail: (hold_id: string) => call<HoldDetail>("hold_detail", { hold_id }),
  previewHold: (hold: NewHold) => call<BookingPreview>("preview_hold", { hold }),
  openHold: (hold: NewHold) => call<Hold>("open_hold", { hold }),
  moveHold: (hold_id: string, zone_id: string, at: string) => call<Hold>("move_hold", { hold_id, zone_id, at }),
  transferHold: (hold_id: string, at: string, ice_officer: string) =>
    call<Hold>("transfer_hold", { hold_id, at, ice_officer }),
  releaseHold: (hold_id: string, at: string, reason: string, note: string | null) =>
    call<Hold>("release_hold", { hold_id, at, reason, note }),
  correctHold: (hold_id: string, field: string, value: string, reason: string) =>
    call<Hold>("correct_hold", { hold_id, field, value, reason }),
  officers: () => call<Officer[]>("officers"),
  addOfficer: (credential: string, name: string, trained_on: string, expires_on: string) =>
    call<Officer>("add_officer", { credential, name, trained_on, expires_on }),
  users: () => call<UserRow[]>("users"),
  addUser: (username: string, full_name: string, role: Role, password: string) =>
    call<UserRow>("add_user", { username, full_name, role, password }),
  unlockUser: (username: string) => call<void>("unlock_user", { username }),
  deactivateUser: (username: string) => call<void>("deactivate_user", { username }),
  setUserRole: (username: string, role: Role) => call<void>("set_user_role", { username, role }),
  syncStatus: () => call<SyncView>("sync_status"),
  syncNow: () => call<SyncView>("sync_now"),
  endpointSettings: () => call<EndpointSettings>("endpoint_settings"),
  /** `token` null keeps the stored one. */
  saveEndpointSettings: (url: string, token: string | null) =>
    call<EndpointSettings>("save_endpoint_settings", { url, token }),
  testEndpointConnection: (url: string, token: string | null) =>
    call<ConnectionCheck>("test_endpoint_connection", { url, token }),
  handoffSheet: () => call<HandoffSheet>("handoff_sheet"),
  /** null when the supervisor cancelled the save dialog. */
  saveHandoffPdf: (paper: Paper) => call<SavedSheet | null>("save_handoff_pdf", { paper }),
  recordHandoffPrint: () => call<void>("record_handoff_print"),
  acknowledgeHandoff: (outgoing: string) => call<Acknowledgement>("acknowledge_handoff", { outgoing }),
  clockStatus: () => call<ClockJump | null>("clock_status"),
  acknowledgeClockJump: () => call<void>("acknowledge_clock_jump"),
};

export function roleAtLeast(actor: Actor | null, needed: Role): boolean {
  const rank: Record<Role, number> = { deputy: 0, supervisor: 1, admin: 2 };
  return actor !== null && rank[actor.role] >= rank[needed];
}
