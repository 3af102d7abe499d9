//! What a deputy types to book a WSO arrest, and its validation (cli.md
//! "Limits"). There is deliberately no field for citizenship, nationality,
//! alienage, country of birth, immigration status or removability.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::service::{check_interpreter, late_service_gap, CriminalReleaseBasis};
use crate::error::{Error, Result};
use crate::time::{parse_date, parse_instant};

/// Clock slack allowed for a time that lies slightly in the future.
pub const CLOCK_SLACK_SECONDS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum WarrantForm {
    #[serde(rename = "I-200")]
    I200,
    #[serde(rename = "I-205")]
    I205,
}

impl WarrantForm {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "I-200" => Some(WarrantForm::I200),
            "I-205" => Some(WarrantForm::I205),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            WarrantForm::I200 => "I-200",
            WarrantForm::I205 => "I-205",
        }
    }
    pub const ALL: [WarrantForm; 2] = [WarrantForm::I200, WarrantForm::I205];
    pub fn label(self) -> &'static str {
        match self {
            WarrantForm::I200 => "I-200 (Warrant for Arrest of Alien)",
            WarrantForm::I205 => "I-205 (Warrant of Removal/Deportation)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HoldStatus {
    Open,
    Transferred,
    Released,
}

impl HoldStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldStatus::Open => "open",
            HoldStatus::Transferred => "transferred",
            HoldStatus::Released => "released",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            HoldStatus::Open => "Open",
            HoldStatus::Transferred => "Transferred to ICE",
            HoldStatus::Released => "Released",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(HoldStatus::Open),
            "transferred" => Some(HoldStatus::Transferred),
            "released" => Some(HoldStatus::Released),
            _ => None,
        }
    }
}

/// Why a hold was released (agreement.md s5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReleaseReason {
    DeadlineReached,
    DetainerCancelled,
    WarrantWithdrawn,
    IceAuthorizedRelease,
    CourtOrder,
    /// A new local charge or writ: the WSO hold ends.
    ReturnedToCriminalCustody,
    IdentityOrWarrantDefect,
    /// The agreement, the MOA or the officer's authorization ended.
    AuthorityLapsed,
    /// A note is required.
    Other,
}

impl ReleaseReason {
    pub const ALL: [ReleaseReason; 9] = [
        Self::DeadlineReached,
        Self::DetainerCancelled,
        Self::WarrantWithdrawn,
        Self::IceAuthorizedRelease,
        Self::CourtOrder,
        Self::ReturnedToCriminalCustody,
        Self::IdentityOrWarrantDefect,
        Self::AuthorityLapsed,
        Self::Other,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeadlineReached => "deadline_reached",
            Self::DetainerCancelled => "detainer_cancelled",
            Self::WarrantWithdrawn => "warrant_withdrawn",
            Self::IceAuthorizedRelease => "ice_authorized_release",
            Self::CourtOrder => "court_order",
            Self::ReturnedToCriminalCustody => "returned_to_criminal_custody",
            Self::IdentityOrWarrantDefect => "identity_or_warrant_defect",
            Self::AuthorityLapsed => "authority_lapsed",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::DeadlineReached => "Deadline reached",
            Self::DetainerCancelled => "Detainer cancelled by ICE",
            Self::WarrantWithdrawn => "Warrant withdrawn by ICE",
            Self::IceAuthorizedRelease => "ICE authorized release",
            Self::CourtOrder => "Court order",
            Self::ReturnedToCriminalCustody => "Returned to criminal custody (new charge or writ)",
            Self::IdentityOrWarrantDefect => "Wrong person or defective warrant",
            Self::AuthorityLapsed => "Authority lapsed (agreement, MOA or authorization ended)",
            Self::Other => "Other (note required)",
        }
    }
    /// The reasons as one comma-separated list, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// A booking as typed (CLI options or the booking form), before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewHold {
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: String,
    pub booking_number: String,
    #[serde(default)]
    pub a_number: Option<String>,
    pub warrant_form: String,
    pub warrant_number: String,
    #[serde(default)]
    pub detainer_number: Option<String>,
    pub officer_credential: String,
    pub served_at: String,
    pub zone_id: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// When local criminal custody ended (or ends); RFC 3339.
    #[serde(default)]
    pub criminal_release_at: String,
    #[serde(default)]
    pub criminal_release_basis: String,
    /// The ICE officer supervising or directing the service (name or badge).
    #[serde(default)]
    pub ice_supervisor: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub interpreter: Option<String>,
    #[serde(default)]
    pub interpreter_declined: bool,
    /// Book under this agreement instead of the 48 hours (the facility's
    /// standing IGSA when none is named).
    #[serde(default)]
    pub agreement_id: Option<String>,
}

/// A booking that passed every check that needs no database.
#[derive(Debug, Clone)]
pub struct CheckedHold {
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
    pub booking_number: String,
    pub a_number: Option<String>,
    pub warrant_form: WarrantForm,
    pub warrant_number: String,
    pub detainer_number: Option<String>,
    pub officer_credential: String,
    pub served_at: DateTime<Utc>,
    pub zone_id: String,
    pub location: Option<(i64, i64)>,
    pub criminal_release_at: DateTime<Utc>,
    pub criminal_release_basis: CriminalReleaseBasis,
    pub ice_supervisor: String,
    pub language: Option<String>,
    pub interpreter: Option<String>,
    pub interpreter_declined: bool,
    pub agreement_id: Option<String>,
    /// Served more than 5 minutes after the criminal release: the gap in seconds.
    pub late_gap_seconds: Option<i64>,
}

impl NewHold {
    /// Field-by-field validation, in form order so the first error is the
    /// first field a deputy would look at.
    pub fn check(&self, now: DateTime<Utc>, facility_today: NaiveDate) -> Result<CheckedHold> {
        let family_name = person_name("family_name", &self.family_name)?;
        let given_names = person_name("given_names", &self.given_names)?;
        let date_of_birth = date_of_birth("date_of_birth", &self.date_of_birth, facility_today)?;
        let booking_number = code("booking_number", &self.booking_number, 64)?;
        let a_number = optional(self.a_number.as_deref())
            .map(|a| code("a_number", a, 32))
            .transpose()?;
        let warrant_form = WarrantForm::parse(self.warrant_form.trim())
            .ok_or_else(|| Error::invalid("warrant_form", "must be I-200 or I-205"))?;
        let warrant_number = code("warrant_number", &self.warrant_number, 64)?;
        let detainer_number = optional(self.detainer_number.as_deref())
            .map(|d| code("detainer_number", d, 64))
            .transpose()?;
        let officer_credential = code("officer_credential", &self.officer_credential, 64)?;
        let served_at = parse_instant("served_at", &self.served_at)?;
        not_in_future("served_at", served_at, now)?;
        let criminal_release_at = parse_instant("criminal_release_at", &self.criminal_release_at)?;
        not_in_future("criminal_release_at", criminal_release_at, now)?;
        let criminal_release_basis =
            CriminalReleaseBasis::parse(self.criminal_release_basis.trim()).ok_or_else(|| {
                Error::invalid(
                    "criminal_release_basis",
                    "must be one of bond, dismissed, sentence_complete, court_order, other",
                )
            })?;
        let late_gap_seconds = late_service_gap(served_at, criminal_release_at)?;
        let ice_supervisor = person_name("ice_supervisor", &self.ice_supervisor)?;
        let language = optional(self.language.as_deref())
            .map(|l| person_name("language", l))
            .transpose()?;
        let interpreter = optional(self.interpreter.as_deref())
            .map(|i| person_name("interpreter", i))
            .transpose()?;
        check_interpreter(
            language.as_deref(),
            interpreter.as_deref(),
            self.interpreter_declined,
        )?;
        let agreement_id = optional(self.agreement_id.as_deref())
            .map(|a| code("agreement_id", a, 64))
            .transpose()?;
        let zone_id = code("zone_id", &self.zone_id, 64)?;
        let location = match (self.lat, self.lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => Some(coordinates(lat, lon)?),
            (Some(_), None) => return Err(Error::invalid("lon", "give --lon together with --lat")),
            (None, Some(_)) => return Err(Error::invalid("lat", "give --lat together with --lon")),
        };
        Ok(CheckedHold {
            family_name,
            given_names,
            date_of_birth,
            booking_number,
            a_number,
            warrant_form,
            warrant_number,
            detainer_number,
            officer_credential,
            served_at,
            zone_id,
            location,
            criminal_release_at,
            criminal_release_basis,
            ice_supervisor,
            language,
            interpreter,
            interpreter_declined: self.interpreter_declined,
            agreement_id,
            late_gap_seconds,
        })
    }
}

pub fn coordinates(lat: f64, lon: f64) -> Result<(i64, i64)> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(Error::invalid(
            "lat",
            "must be a latitude from -90 to 90 degrees",
        ));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(Error::invalid(
            "lon",
            "must be a longitude from -180 to 180 degrees",
        ));
    }
    Ok((super::perimeter::to_e7(lat), super::perimeter::to_e7(lon)))
}

/// Times of service, moves, transfers and releases: not beyond now + slack.
pub fn not_in_future(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if at > now + Duration::seconds(CLOCK_SLACK_SECONDS) {
        return Err(Error::invalid(
            field,
            "lies in the future (more than 120 s ahead of this desk's clock)",
        ));
    }
    Ok(())
}

/// ... and not before the hold's previous event.
pub fn not_before(field: &str, at: DateTime<Utc>, previous: DateTime<Utc>) -> Result<()> {
    if at < previous {
        return Err(Error::invalid(
            field,
            format!(
                "lies before the hold's previous event ({})",
                crate::time::utc_text(previous)
            ),
        ));
    }
    Ok(())
}

/// A date of birth: not in the future, not more than 120 years ago (on the
/// facility-local date). Bookings and corrections both check it here.
pub fn date_of_birth(field: &str, value: &str, facility_today: NaiveDate) -> Result<NaiveDate> {
    let date = parse_date(field, value)?;
    if date > facility_today {
        return Err(Error::invalid(field, "lies in the future"));
    }
    let oldest = facility_today
        .with_year(facility_today.year() - 120)
        .unwrap_or(facility_today);
    if date < oldest {
        return Err(Error::invalid(field, "is more than 120 years ago"));
    }
    Ok(date)
}

/// Names: 1-200 characters in any script, no control, direction or invisible
/// characters (custody::text). Kept exactly as typed apart from surrounding
/// whitespace.
pub fn person_name(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(Error::invalid(field, "is required"));
    }
    if n > 200 {
        return Err(Error::invalid(field, "is longer than 200 characters"));
    }
    super::text::refuse_hidden(field, v, true)?;
    Ok(v.to_owned())
}

/// Booking, warrant, detainer numbers and credentials: 1-`max` characters,
/// nothing invisible; compared by `custody::text::match_key`.
pub fn code(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(Error::invalid(field, "is required"));
    }
    if n > max {
        return Err(Error::invalid(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    super::text::refuse_hidden(field, v, false)?;
    Ok(v.to_owned())
}

/// Free text (notes, reasons): 1-`max` characters, newlines allowed.
pub fn free_text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(Error::invalid(field, "is required"));
    }
    if n > max {
        return Err(Error::invalid(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, "contains a control character"));
    }
    Ok(v.to_owned())
}

fn optional(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}
