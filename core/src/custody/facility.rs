//! The facility a desk serves: its time zone, IGSA terms, secure perimeter
//! and named zones, as given in FACILITY.toml at `init`.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::perimeter::{contains, to_e7, PointE7};
use crate::error::{Error, Result};

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
        Ok(Facility {
            id: file.id,
            name: file.name,
            timezone,
            igsa: file.igsa,
            shift_hours: file.shift_hours as u32,
            perimeter,
            zones: file.zone,
        })
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
    fn unknown_field_is_refused() {
        let text = format!("citizenship = true\n{SAMPLE}");
        assert!(Facility::from_toml(&text).is_err());
    }
}
