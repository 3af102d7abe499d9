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

/// IA-5: at least 8 characters, not a common password, not the username.
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
    }

    #[test]
    fn hash_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batter", &h));
    }
}
