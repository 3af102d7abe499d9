// The booking form's data: the fields of `hold open`, in form order, with the
// labels the spec names, and the conversion to what the backend takes.
import type { NewHold } from "./api";

export type BookingField =
  | "family_name" | "given_names" | "date_of_birth" | "booking_number" | "a_number"
  | "warrant_form" | "warrant_number" | "detainer_number" | "officer_credential"
  | "served_at" | "zone_id" | "lat" | "lon"
  | "criminal_release_at" | "criminal_release_basis" | "ice_supervisor" | "language" | "interpreter"
  | "interpreter_declined" | "agreement_id";

export const LABELS: Record<BookingField, string> = {
  family_name: "Family name",
  given_names: "Given names",
  date_of_birth: "Date of birth",
  booking_number: "Booking number",
  a_number: "A-number",
  warrant_form: "Warrant form",
  warrant_number: "Warrant number",
  detainer_number: "Detainer number",
  officer_credential: "Serving officer",
  served_at: "Served at",
  zone_id: "Zone",
  lat: "Latitude",
  lon: "Longitude",
  criminal_release_at: "Released from criminal custody at",
  criminal_release_basis: "Basis",
  ice_supervisor: "Supervising ICE officer",
  language: "Language",
  interpreter: "Interpreter",
  interpreter_declined: "Interpreter declined",
  agreement_id: "Authority",
};

export type BookingDraft = Record<Exclude<BookingField, "interpreter_declined">, string> & {
  interpreter_declined: boolean;
};

export function emptyDraft(servedAt: string): BookingDraft {
  return {
    family_name: "", given_names: "", date_of_birth: "", booking_number: "", a_number: "",
    warrant_form: "I-200", warrant_number: "", detainer_number: "", officer_credential: "",
    served_at: servedAt, zone_id: "", lat: "", lon: "",
    criminal_release_at: "", criminal_release_basis: "", ice_supervisor: "", language: "", interpreter: "",
    interpreter_declined: false, agreement_id: "",
  };
}

/** Blank optional fields become null; coordinates are numbers or, if unreadable, NaN is avoided. */
export function toNewHold(d: BookingDraft): NewHold {
  const opt = (s: string) => (s.trim() === "" ? null : s.trim());
  const num = (s: string) => (s.trim() === "" ? null : Number(s.trim()));
  return {
    family_name: d.family_name, given_names: d.given_names, date_of_birth: d.date_of_birth.trim(),
    booking_number: d.booking_number, a_number: opt(d.a_number), warrant_form: d.warrant_form,
    warrant_number: d.warrant_number, detainer_number: opt(d.detainer_number),
    officer_credential: d.officer_credential, served_at: d.served_at, zone_id: d.zone_id,
    lat: num(d.lat), lon: num(d.lon),
    criminal_release_at: d.criminal_release_at, criminal_release_basis: d.criminal_release_basis,
    ice_supervisor: d.ice_supervisor, language: opt(d.language), interpreter: opt(d.interpreter),
    interpreter_declined: d.interpreter_declined, agreement_id: opt(d.agreement_id),
  };
}

/** Coordinates the browser cannot read as numbers, caught before the backend is asked. */
export function coordinateError(d: BookingDraft): { field: BookingField; message: string } | null {
  for (const f of ["lat", "lon"] as const) {
    if (d[f].trim() !== "" && !Number.isFinite(Number(d[f].trim()))) {
      return { field: f, message: "must be a number of degrees such as 27.8975" };
    }
  }
  return null;
}

/** `2026-11-27T09:03:00-05:00` -> `2026-11-27T09:03`: the facility's wall clock, to the minute. */
export function wallClockMinutes(localRfc3339: string): string {
  return localRfc3339.slice(0, 16);
}
