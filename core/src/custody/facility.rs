//! The facility a desk serves: its time zone, IGSA terms, secure perimeter
//! and named zones, as given in FACILITY.toml at `init`.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::agreement::{Agreement, AgreementKind, Moa};
use super::perimeter::{contains, to_e7, PointE7};
use crate::error::{Error, Result};
use crate::time::{parse_date, parse_instant};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facility {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "tz_name")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub timezone: Tz,
    pub igsa: bool,
    pub shift_hours: u32,
    #[cfg_attr(feature = "ts", ts(type = "Array<[number, number]>"))]
    pub perimeter: Vec<PointE7>,
    pub zones: Vec<Zone>,
    pub moa: Moa,
    /// Agreements that replace the 48 hours; `igsa = true` is one standing agreement.
    pub agreements: Vec<Agreement>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub inside: bool,
}

fn tz_name<S: serde::Serializer>(tz: &Tz, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FacilityFile {
    id: String,
    name: String,
    timezone: String,
    #[serde(default)]
    igsa: bool,
    #[serde(default = "default_shift_hours")]
    shift_hours: i64,
    perimeter: PerimeterFile,
    #[serde(default)]
    zone: Vec<Zone>,
    #[serde(default)]
    moa: Option<MoaFile>,
    #[serde(default)]
    agreement: Vec<AgreementFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoaFile {
    effective_on: String,
    #[serde(default)]
    terminated_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementFile {
    id: String,
    kind: String,
    number: String,
    effective_on: String,
    #[serde(default)]
    expires_on: Option<String>,
    #[serde(default)]
    hold_limit_hours: Option<i64>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PerimeterFile {
    polygon: Vec<[f64; 2]>,
}

fn default_shift_hours() -> i64 {
    12
}

impl Facility {
    /// Parse and check FACILITY.toml; errors name the line and the field.
    pub fn from_toml(text: &str) -> Result<Facility> {
        let file: FacilityFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let field = e
                .message()
                .split('`')
                .nth(1)
                .unwrap_or("facility")
                .to_owned();
            Error::invalid(
                format!(
                    "facility{}",
                    line.map(|l| format!(" line {l}")).unwrap_or_default()
                ),
                e.message().trim().to_owned(),
            )
            .with_field_hint(&field)
        })?;
        let at = |key: &str| match line_of(text, key) {
            Some(l) => format!("line {l}: {key}"),
            None => key.to_owned(),
        };
        check_id(&file.id).map_err(|m| Error::invalid(at("id"), m))?;
        check_text(&file.name, 200).map_err(|m| Error::invalid(at("name"), m))?;
        let timezone: Tz = file.timezone.parse().map_err(|_| {
            Error::invalid(
                at("timezone"),
                format!("'{}' is not an IANA time zone name", file.timezone),
            )
        })?;
        if !(1..=24).contains(&file.shift_hours) {
            return Err(Error::invalid(
                at("shift_hours"),
                "must be a whole number of hours from 1 to 24",
            ));
        }
        if file.perimeter.polygon.len() < 3 {
            return Err(Error::invalid(
                at("polygon"),
                "the perimeter needs at least 3 points",
            ));
        }
        let mut perimeter = Vec::with_capacity(file.perimeter.polygon.len());
        for [lat, lon] in &file.perimeter.polygon {
            if !(-90.0..=90.0).contains(lat) || !(-180.0..=180.0).contains(lon) {
                return Err(Error::invalid(
                    at("polygon"),
                    format!("[{lat}, {lon}] is not a WGS84 latitude, longitude"),
                ));
            }
            perimeter.push((to_e7(*lat), to_e7(*lon)));
        }
        if file.zone.is_empty() {
            return Err(Error::invalid(
                "zone",
                "the facility needs at least one [[zone]]",
            ));
        }
        if !file.zone.iter().any(|z| z.inside) {
            return Err(Error::invalid(
                "zone",
                "at least one zone must be inside the perimeter",
            ));
        }
        for (i, z) in file.zone.iter().enumerate() {
            check_id(&z.id).map_err(|m| Error::invalid(format!("zone[{i}].id"), m))?;
            check_text(&z.name, 200).map_err(|m| Error::invalid(format!("zone[{i}].name"), m))?;
            if file.zone[..i].iter().any(|other| other.id == z.id) {
                return Err(Error::invalid(
                    format!("zone[{i}].id"),
                    format!("zone '{}' is listed twice", z.id),
                ));
            }
        }
        let moa = match &file.moa {
            None => Moa::default(),
            Some(m) => Moa {
                effective_on: Some(parse_date("moa.effective_on", &m.effective_on)?),
                terminated_at: m
                    .terminated_at
                    .as_deref()
                    .map(|t| parse_instant("moa.terminated_at", t))
                    .transpose()?,
            },
        };
        let agreements = agreements(&file)?;
        Ok(Facility {
            id: file.id,
            name: file.name,
            timezone,
            igsa: file.igsa,
            shift_hours: file.shift_hours as u32,
            perimeter,
            zones: file.zone,
            moa,
            agreements,
        })
    }

    pub fn agreement(&self, id: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.id == id)
    }

    /// The agreement a booking falls under when none is named: the old
    /// `igsa = true` switch, else none (the 48 hours).
    pub fn default_agreement(&self) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.standing)
    }

    pub fn zone(&self, id: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.id == id)
    }

    pub fn perimeter_contains(&self, point: PointE7) -> bool {
        contains(&self.perimeter, point)
    }
}

impl Error {
    fn with_field_hint(self, hint: &str) -> Self {
        match self {
            Error::Invalid { field, message } if !hint.is_empty() && hint != "facility" => {
                Error::Invalid {
                    field: format!("{field}: {hint}"),
                    message,
                }
            }
            other => other,
        }
    }
}

/// `[[agreement]]` entries, checked; `igsa = true` adds the standing one.
fn agreements(file: &FacilityFile) -> Result<Vec<Agreement>> {
    let mut out = Vec::new();
    if file.igsa {
        out.push(Agreement::standing_igsa());
    }
    for (i, a) in file.agreement.iter().enumerate() {
        let f = |name: &str| format!("agreement[{i}].{name}");
        check_id(&a.id).map_err(|m| Error::invalid(f("id"), m))?;
        if out.iter().any(|o: &Agreement| o.id == a.id) {
            return Err(Error::invalid(
                f("id"),
                format!("agreement '{}' is listed twice", a.id),
            ));
        }
        let kind = AgreementKind::parse(&a.kind).ok_or_else(|| {
            Error::invalid(f("kind"), "must be one of igsa, usms_iga, boa, other")
        })?;
        check_text(&a.number, 64).map_err(|m| Error::invalid(f("number"), m))?;
        let effective_on = parse_date(&f("effective_on"), &a.effective_on)?;
        let expires_on = a
            .expires_on
            .as_deref()
            .map(|d| parse_date(&f("expires_on"), d))
            .transpose()?;
        if expires_on.is_some_and(|e| e < effective_on) {
            return Err(Error::invalid(f("expires_on"), "lies before effective_on"));
        }
        let hold_limit_hours = match a.hold_limit_hours {
            None => None,
            Some(h) if (1..=8760).contains(&h) => Some(h as u32),
            Some(_) => {
                return Err(Error::invalid(
                    f("hold_limit_hours"),
                    "must be a whole number of hours from 1 to 8760, or left out for no limit",
                ))
            }
        };
        if let Some(n) = &a.note {
            check_text(n, 500).map_err(|m| Error::invalid(f("note"), m))?;
        }
        out.push(Agreement {
            id: a.id.clone(),
            kind,
            number: Some(a.number.clone()),
            effective_on: Some(effective_on),
            expires_on,
            hold_limit_hours,
            note: a.note.clone(),
            standing: false,
        });
    }
    Ok(out)
}

fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Identifiers (facility, zones, desk): 1-64 of letters, digits, `-`, `_`, `.`.
pub fn check_id(id: &str) -> std::result::Result<(), String> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "'{id}' must be 1-64 letters, digits, '-', '_' or '.'"
        ));
    }
    Ok(())
}

fn check_text(text: &str, max: usize) -> std::result::Result<(), String> {
    let n = text.chars().count();
    if n == 0 || n > max || text.chars().any(char::is_control) {
        return Err(format!(
            "must be 1-{max} characters with no control characters"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const SAMPLE: &str = include_str!("../demo/facility.toml");

    #[test]
    fn sample_parses() {
        let f = Facility::from_toml(SAMPLE).unwrap();
        assert_eq!(f.timezone.name(), "America/New_York");
        assert_eq!(f.shift_hours, 12);
        assert!(f.zone("booking").unwrap().inside);
    }

    #[test]
    fn bad_timezone_names_line_and_field() {
        let text = SAMPLE.replace("America/New_York", "Mars/Olympus");
        let e = Facility::from_toml(&text).unwrap_err();
        let field = e.field().unwrap();
        assert!(
            field.contains("timezone") && field.contains("line 4"),
            "{field}"
        );
    }

    #[test]
    fn syntax_error_names_the_line() {
        let text = SAMPLE.replace("igsa = false", "igsa = maybe");
        let e = Facility::from_toml(&text).unwrap_err();
        assert!(e.to_string().contains("line 5"), "{e}");
    }

    #[test]
    fn moa_and_agreements_are_read() {
        let f = Facility::from_toml(SAMPLE).unwrap();
        assert_eq!(
            f.moa.effective_on.map(|d| d.to_string()).as_deref(),
            Some("2025-02-26")
        );
        let a = f.agreement("usms-72").unwrap();
        assert_eq!(
            (a.kind, a.hold_limit_hours),
            (AgreementKind::UsmsIga, Some(72))
        );
        assert!(f.default_agreement().is_none());
        let old = SAMPLE
            .split("[moa]")
            .next()
            .unwrap()
            .replace("igsa = false", "igsa = true");
        let f = Facility::from_toml(&old).unwrap();
        assert_eq!(
            f.moa,
            Moa::default(),
            "no [moa]: in force, dates not recorded"
        );
        assert_eq!(f.default_agreement(), Some(&Agreement::standing_igsa()));
    }

    #[test]
    fn bad_agreement_kind_names_the_entry() {
        let text = SAMPLE.replace("kind = \"usms_iga\"", "kind = \"usms\"");
        let e = Facility::from_toml(&text).unwrap_err();
        assert_eq!(e.field(), Some("agreement[0].kind"));
    }

    #[test]
    fn unknown_field_is_refused() {
        let text = format!("citizenship = true\n{SAMPLE}");
        assert!(Facility::from_toml(&text).is_err());
    }
}
