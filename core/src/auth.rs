//! People who use the desk: roles and passwords.
//!
//! Roles nest: a supervisor can do all a deputy can, an admin all a
//! supervisor can. Passwords are hashed with Argon2id at OWASP's minimum
//! (m = 19 MiB, t = 2, p = 1); never truncated, never hinted.

pub mod session;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    Deputy,
    Supervisor,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "deputy" => Some(Role::Deputy),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Deputy => "deputy",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    pub const ALL: [Role; 3] = [Role::Deputy, Role::Supervisor, Role::Admin];
    pub fn label(self) -> &'static str {
        match self {
            Role::Deputy => "Deputy",
            Role::Supervisor => "Supervisor",
            Role::Admin => "Admin",
        }
    }
}

/// The signed-in user on whose behalf an action runs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Actor {
    pub username: String,
    pub full_name: String,
    pub role: Role,
}

impl Actor {
    /// Refuse unless this user's role is at least `needed`.
    pub fn require(&self, needed: Role, action: &str) -> Result<()> {
        if self.role >= needed {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "{action} needs the {} role; {} is a {}",
                needed.as_str(),
                self.username,
                self.role.as_str()
            )))
        }
    }
}

const BLOCKLIST: &str = include_str!("auth/common-passwords.txt");

/// zxcvbn's score a password must reach: 3 is "safely unguessable" (about
/// 10^10 guesses), so `Password1!` and `aaaaaaaa` are out.
pub const MIN_STRENGTH: u8 = 3;

/// IA-5: at least 8 characters, not a common password, not the username,
/// and strong enough by zxcvbn's estimate (which knows keyboard walks,
/// repeats, dates, l33t and common words the blocklist does not list).
pub fn check_password_policy(username: &str, password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::invalid("password", "must be at least 8 characters"));
    }
    if password.chars().count() > 256 {
        return Err(Error::invalid("password", "must be at most 256 characters"));
    }
    let lower = password.to_lowercase();
    if lower == username.to_lowercase() || BLOCKLIST.lines().any(|l| l.trim() == lower) {
        return Err(Error::invalid(
            "password",
            "is too common or too easy to guess; choose another",
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, &[username]);
    if u8::from(estimate.score()) < MIN_STRENGTH {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return Err(Error::invalid(
            "password",
            format!("is too easy to guess{hint}; a few unrelated words make a strong one"),
        ));
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Database {
            message: format!("could not hash the password: {e}"),
        })
}

/// A hash of a password no one knows, with the same parameters as every
/// stored one: unknown usernames are checked against it so they cost the
/// same Argon2 work as a real account (a constant: computing one at run time
/// would itself take a second hash's time in each new `wsoctl` process).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$S64RpciDF+GF5jExpv+z5g$c7uPoV+rszqvT4xfbx9TND9lms8wTSykxfC21wRYvDg";

pub fn dummy_hash() -> &'static str {
    DUMMY_HASH
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

pub fn check_username(username: &str) -> Result<()> {
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(Error::invalid(
            "username",
            "must be 1-64 letters, digits, '-', '_' or '.'",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest() {
        let sup = Actor {
            username: "s".into(),
            full_name: "S".into(),
            role: Role::Supervisor,
        };
        assert!(sup.require(Role::Deputy, "x").is_ok());
        assert!(sup.require(Role::Supervisor, "x").is_ok());
        assert!(sup.require(Role::Admin, "x").is_err());
    }

    #[test]
    fn password_policy() {
        assert!(check_password_policy("jdoe", "short").is_err());
        assert!(check_password_policy("jdoe", "password").is_err());
        assert!(check_password_policy("jdoe12345", "JDOE12345").is_err());
        assert!(check_password_policy("jdoe", "correct horse battery").is_ok());
        for weak in ["Password1!", "aaaaaaaa", "qwertyuiop", "jdoe2026!"] {
            let err = check_password_policy("jdoe", weak).unwrap_err();
            assert_eq!(err.field(), Some("password"), "{weak}");
        }
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password("correct horse battery").unwrap();
        let params = |h: &str| h.split('$').nth(3).map(str::to_owned);
        assert_eq!(params(dummy_hash()), params(&real));
        assert!(!verify_password("", dummy_hash()));
        // The fastest of three, so a busy machine does not decide.
        let time = |h: &str| {
            (0..3)
                .map(|_| {
                    let t = std::time::Instant::now();
                    verify_password("whatever-pass", h);
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let (d, r) = (time(dummy_hash()), time(&real));
        assert!(d * 3 > r && r * 3 > d, "dummy {d:?} vs real {r:?}");
    }

    #[test]
    fn hash_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batter", &h));
    }
}
