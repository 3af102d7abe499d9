//! The errors the desk shows: each one a sentence a deputy or an IT person can
//! act on, with a stable `code` the UI and the CLI switch on (never on text).
//!
//! Messages never carry a person's name or other booking data: they name the
//! field at fault and the rule, so they are safe to log and to send to the UI.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input refused by a validation rule; `field` names the input at fault.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A custody or policy rule refused the action (perimeter, credential, state).
    #[error("{message}")]
    Refused {
        field: Option<String>,
        message: String,
    },
    /// The signed-in user may not do this.
    #[error("{message}")]
    Forbidden { message: String },
    /// No live session for this command: signed out, idle too long, past
    /// 12 hours, or a password that must change first.
    #[error("{message}")]
    Session {
        problem: SessionProblem,
        message: String,
    },
    /// A named hold, zone, officer credential or user does not exist.
    #[error("{what} '{id}' does not exist")]
    NotFound { what: &'static str, id: String },
    /// The database key is missing or does not open the database.
    #[error("{message}")]
    Key { message: String },
    /// The database file cannot be used (newer schema, damaged, already exists).
    #[error("{message}")]
    Database { message: String },
    /// The ICE endpoint could not be reached or refused the desk.
    #[error("{message}")]
    Sync { message: String },
    #[error("{context}: {source}")]
    Sqlite {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
    pub fn refused(field: Option<&str>, message: impl Into<String>) -> Self {
        Error::Refused {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden {
            message: message.into(),
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::Refused { .. } => "refused",
            Error::Forbidden { .. } => "forbidden",
            Error::Session { problem, .. } => problem.code(),
            Error::NotFound { .. } => "not_found",
            Error::Key { .. } => "key",
            Error::Database { .. } => "database",
            Error::Sync { .. } => "sync",
            Error::Sqlite { .. } => "storage",
            Error::Io { .. } => "io",
        }
    }

    /// The input field at fault, when there is one (the UI shows the error there).
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::Refused { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// `wsoctl` exit code, per spec/cli.md.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid { .. }
            | Error::Refused { .. }
            | Error::Forbidden { .. }
            | Error::Session { .. } => 3,
            Error::NotFound { .. } => 4,
            Error::Sync { .. } => 5,
            _ => 1,
        }
    }

    /// The shape the UI receives: `{code, field, message}`.
    pub fn to_public(&self) -> PublicError {
        PublicError {
            code: self.code(),
            field: self.field().map(str::to_owned),
            message: self.to_string(),
        }
    }
}

/// Why a session does not let a command run; the window turns each code into
/// its screen (sign-in, unlock, change password).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProblem {
    /// Never signed in, signed out, or 12 hours passed: sign in in full.
    SignedOut,
    /// Idle too long: the same user's password unlocks.
    Locked,
    /// An admin-issued password: it must be changed before anything else.
    PasswordChange,
}

impl SessionProblem {
    pub fn code(self) -> &'static str {
        match self {
            SessionProblem::SignedOut => "unauthenticated",
            SessionProblem::Locked => "locked",
            SessionProblem::PasswordChange => "password_change_required",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PublicError {
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

/// Attach what the desk was doing to a SQLite error.
pub trait SqlContext<T> {
    fn ctx(self, context: &'static str) -> Result<T>;
}

impl<T> SqlContext<T> for std::result::Result<T, rusqlite::Error> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|source| Error::Sqlite { context, source })
    }
}
