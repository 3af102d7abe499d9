//! `wsoctl login / logout` and where a session's token lives (cli.md
//! "Signing in on the command line"): one 0600 file per user and database in
//! `$XDG_RUNTIME_DIR` (else `~/.local/state/wso-desk`), named from a hash of
//! the database path and the username. The database keeps only the token's
//! hash, so the file alone, or a copy of the database alone, signs nobody in.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wso_core::Error;

use crate::{clock_now, output, read_password, CliResult, Context, Failure};

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// The folder for token files: the login session's runtime directory, which
/// the system empties at logout, else a private folder in the home directory.
fn session_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.is_absolute() {
            return Ok(dir);
        }
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "session",
                "neither XDG_RUNTIME_DIR nor HOME is set: no place for the session file",
            )
        })?;
    let dir = PathBuf::from(home).join(".local/state/wso-desk");
    std::fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
        .map_err(io(format!("securing {}", dir.display())))?;
    Ok(dir)
}

/// The token file of `username` on the database at `db`.
pub fn token_path(db: &Path, username: &str) -> Result<PathBuf, Error> {
    let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let mut h = Sha256::new();
    h.update(db.as_os_str().as_encoded_bytes());
    h.update([0]);
    h.update(username.as_bytes());
    let name = format!("wso-desk-session-{}", &hex::encode(h.finalize())[..32]);
    Ok(session_dir()?.join(name))
}

/// The token of a live sign-in, if this user has a file for this database.
/// A file others could read is not trusted.
pub fn read_token(db: &Path, username: &str) -> Result<Option<String>, Error> {
    let path = token_path(db, username)?;
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(format!("reading {}", path.display()))(e)),
    };
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(Error::refused(
            Some("session"),
            format!(
                "{} can be read by others, so it signs nobody in; remove it and sign in again: wsoctl login --as {username}",
                path.display()
            ),
        ));
    }
    let text = std::fs::read_to_string(&path).map_err(io(format!("reading {}", path.display())))?;
    Ok(Some(text.trim().to_owned()))
}

fn write_token(path: &Path, token: &str) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(io(format!("replacing {}", path.display()))(e))
        }
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(format!("writing {}", path.display())))?;
    file.write_all(format!("{token}\n").as_bytes())
        .map_err(io(format!("writing {}", path.display())))
}

fn username(ctx: &Context) -> CliResult<&str> {
    ctx.as_user
        .as_deref()
        .ok_or_else(|| Failure::Usage("this command needs --as USERNAME (or WSO_USER)".into()))
}

pub fn login(ctx: &Context, password_stdin: bool) -> CliResult {
    let user = username(ctx)?;
    let password = read_password(password_stdin)?;
    let path = token_path(&ctx.db, user)?;
    let previous = read_token(&ctx.db, user).unwrap_or(None);
    let mut desk = ctx.open()?;
    let session = desk.cli_login(user, &password, previous.as_deref(), clock_now())?;
    if let Err(e) = write_token(&path, &session.token) {
        // No session without its file: end the one just started.
        let _ = desk.cli_logout(user, Some(&session.token), clock_now());
        return Err(e.into());
    }
    output::print(
        ctx,
        &serde_json::json!({ "signed_in": user, "role": session.actor.role, "session_file": path }),
        &format!(
            "signed in as {} ({}); the session lapses after 30 idle minutes or 12 hours",
            user,
            session.actor.role.as_str()
        ),
    );
    Ok(())
}

pub fn logout(ctx: &Context) -> CliResult {
    let user = username(ctx)?;
    let path = token_path(&ctx.db, user)?;
    let token = read_token(&ctx.db, user).unwrap_or(None);
    let mut desk = ctx.open()?;
    let ended = desk.cli_logout(user, token.as_deref(), clock_now())?;
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(io(format!("removing {}", path.display()))(e).into())
        }
        _ => {}
    }
    output::print(
        ctx,
        &serde_json::json!({ "signed_out": user, "ended_a_session": ended }),
        &if ended {
            format!("signed out {user}")
        } else {
            format!("{user} had no session here")
        },
    );
    Ok(())
}

/// `--password-file FILE`: the first line of a file only its owner can read.
pub fn password_from_file(path: &Path) -> Result<String, Error> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::invalid(
            "password_file",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(Error::invalid(
            "password_file",
            format!("{} can be read by others; chmod 600 it", path.display()),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::invalid(
            "password_file",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}
