// The one module that talks to the Rust shell. Every screen goes through
// these typed functions; errors arrive as {code, field, message} and screens
// switch on `code` / `field`, never on message text.
import { invoke } from "@tauri-apps/api/core";

// Payload types are generated from the Rust types (ts-rs: src-tauri/src/bindings.rs
// writes ./generated/, CI fails when they differ from what is committed).
import type { Actor } from "./generated/Actor";
import type { Facility } from "./generated/Facility";
import type { HoldSummary } from "./generated/HoldSummary";
import type { RosterRow } from "./generated/RosterRow";
import type { SessionState } from "./generated/SessionState";
import type { ActionRequired } from "./generated/ActionRequired";
import type { Authority } from "./generated/Authority";
import type { Board } from "./generated/Board";
import type { BookingPreview } from "./generated/BookingPreview";
import type { ClockJumpView } from "./generated/ClockJumpView";
import type { ConnectionCheck } from "./generated/ConnectionCheck";
import type { EndpointSettings } from "./generated/EndpointSettings";
import type { HandoffSheet } from "./generated/HandoffSheet";
import type { HoldDetailView } from "./generated/HoldDetailView";
import type { Freshness } from "./generated/Freshness";
import type { ConflictView } from "./generated/ConflictView";
import type { NewHold } from "./generated/NewHold";
import type { Role } from "./generated/Role";
import type { SavedSheet } from "./generated/SavedSheet";
import type { SyncView } from "./generated/SyncView";
import type { Urgency } from "./generated/Urgency";
import type { UserRow } from "./generated/UserRow";
import type { Acknowledgement } from "./generated/Acknowledgement";
import type { Vocabulary } from "./generated/Vocabulary";
import type { Zone } from "./generated/Zone";
import type { Agreement } from "./generated/Agreement";
import type { Moa } from "./generated/Moa";
import type { IncidentRow } from "./generated/IncidentRow";
import type { ClaimView } from "./generated/ClaimView";
import type { ReportView } from "./generated/ReportView";
import type { Complaint } from "./generated/Complaint";
import type { NewComplaint } from "./generated/NewComplaint";

export type {
  Acknowledgement, ActionRequired, Actor, Authority, Board, BookingPreview, ConnectionCheck,
  EndpointSettings, Facility, Freshness, ConflictView, HandoffSheet, HoldDetailView, NewHold, Role, SavedSheet, SessionState,
  SyncView, Urgency, UserRow, Vocabulary, Zone, ReportView, Complaint, NewComplaint, Agreement, IncidentRow, ClaimView, Moa,
};
export type Hold = HoldSummary;
export type Officer = RosterRow;
export type ClockJump = ClockJumpView;

// app_info and sign_in live in the session commands, whose payload types are
// not exported yet: these two mirror them from generated parts.
export interface AppInfo {
  facility: Facility; banner: string; idle_lock_seconds: number; now_local: string;
  session: { actor: Actor; state: SessionState } | null;
}
export interface SignedIn { actor: Actor; must_change_password: boolean }

/**
 * One entry of a hold's history: core keeps events as the signed JSON
 * envelopes of sync-protocol.md (`HoldDetailView.events` is JSON), so this names
 * the envelope fields the screen reads.
 */
export interface HoldEvent {
  event_id: string; seq: number; type: string; occurred_at: string; recorded_at: string;
  recorded_by: string; body: Record<string, unknown>;
}
/** An ICE update stored for a hold (`HoldDetailView.ice_updates`, JSON in core). */
export interface IceUpdateRow {
  update_id: string; kind: string; at: string; details: unknown; applied_at: string;
}
/** A hold with its history, as `hold_detail` sends it. */
export type HoldView = Omit<HoldDetailView, "events" | "ice_updates"> & {
  events: HoldEvent[]; ice_updates: IceUpdateRow[];
};
export type Paper = "letter" | "a4";

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
  vocabulary: () => call<Vocabulary>("vocabulary"),
  board: (all = false) => call<Board>("board", { all }),
  holdDetail: (hold_id: string) => call<HoldView>("hold_detail", { hold_id }),
  previewHold: (hold: NewHold) => call<BookingPreview>("preview_hold", { hold }),
  openHold: (hold: NewHold) => call<Hold>("open_hold", { hold }),
  moveHold: (hold_id: string, zone_id: string, at: string) => call<Hold>("move_hold", { hold_id, zone_id, at }),
  transferHold: (hold_id: string, at: string, ice_officer: string, destination: string, note: string | null) =>
    call<Hold>("transfer_hold", { hold_id, at, ice_officer, destination, note }),
  notifyIce: (hold_id: string, method: string, to: string, at: string) =>
    call<Hold>("notify_ice", { hold_id, method, to, at }),
  recordClaim: (hold_id: string, at: string, statement: string) =>
    call<ClaimView>("record_claim", { hold_id, at, statement }),
  claimReported: (hold_id: string, claim_id: string, method: string, to: string, at: string) =>
    call<Hold>("claim_reported", { hold_id, claim_id, method, to, at }),
  placeUnderAgreement: (hold_id: string, agreement_id: string, at: string) =>
    call<Hold>("place_under_agreement", { hold_id, agreement_id, at }),
  incidents: (all = false) => call<IncidentRow[]>("incidents", { all }),
  reviewIncident: (incident_id: string, note: string) => call<IncidentRow>("review_incident", { incident_id, note }),
  withdrawOfficer: (credential: string, at: string, reason: string) =>
    call<Officer>("withdraw_officer", { credential, at, reason }),
  releaseHold: (hold_id: string, at: string, reason: string, note: string | null) =>
    call<Hold>("release_hold", { hold_id, at, reason, note }),
  correctHold: (hold_id: string, field: string, value: string, reason: string) =>
    call<Hold>("correct_hold", { hold_id, field, value, reason }),
  /** A supervisor voids `hold_id` as a duplicate booking of `kept`. */
  voidHold: (hold_id: string, kept: string, note: string) => call<void>("void_hold", { hold_id, kept, note }),
  facilityFreshness: () => call<Freshness>("facility_freshness"),
  officers: () => call<Officer[]>("officers"),
  addOfficer: (credential: string, name: string, trained_on: string, expires_on: string, authorized_on: string) =>
    call<Officer>("add_officer", { credential, name, trained_on, expires_on, authorized_on }),
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
  /** `ca_file` null (or blank) stops trusting an agency CA. */
  saveEndpointCaFile: (ca_file: string | null) =>
    call<EndpointSettings>("save_endpoint_ca_file", { ca_file }),
  testEndpointConnection: (url: string, token: string | null) =>
    call<ConnectionCheck>("test_endpoint_connection", { url, token }),
  handoffSheet: () => call<HandoffSheet>("handoff_sheet"),
  /** null when the supervisor cancelled the save dialog. */
  saveHandoffPdf: (paper: Paper) => call<SavedSheet | null>("save_handoff_pdf", { paper }),
  recordHandoffPrint: () => call<void>("record_handoff_print"),
  acknowledgeHandoff: (outgoing: string) => call<Acknowledgement>("acknowledge_handoff", { outgoing }),
  oversightReport: (from: string, to: string) => call<ReportView>("oversight_report", { from, to }),
  /** null when the supervisor cancelled the save dialog. */
  saveReportPdf: (from: string, to: string, paper: Paper) =>
    call<SavedSheet | null>("save_report_pdf", { from, to, paper }),
  complaints: (all = false) => call<Complaint[]>("complaints", { all }),
  addComplaint: (complaint: NewComplaint) => call<Complaint>("add_complaint", { complaint }),
  complaintReported: (complaint_id: string, to: string, at: string) =>
    call<Complaint>("complaint_reported", { complaint_id, to, at }),
  clockStatus: () => call<ClockJump | null>("clock_status"),
  acknowledgeClockJump: () => call<void>("acknowledge_clock_jump"),
};

export function roleAtLeast(actor: Actor | null, needed: Role): boolean {
  const rank: Record<Role, number> = { deputy: 0, supervisor: 1, admin: 2 };
  return actor !== null && rank[actor.role] >= rank[needed];
}
