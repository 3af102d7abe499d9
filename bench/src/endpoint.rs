//! The real reference endpoint, `wso-endpoint serve`, as a child process on
//! `127.0.0.1:0`: started with its own store (a SQLite file or a PostgreSQL
//! URL) and desk tokens, its address read from the `listening on` line it
//! prints first, killed when dropped.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `wso-endpoint serve`, killed on drop.
pub struct EndpointProcess {
    child: Child,
    pub url: String,
}

/// Who may push: one desk token on the command line, or a file of
/// `DESK_ID@FACILITY_ID=TOKEN` lines (the load run's 50 desks).
pub enum Tokens<'a> {
    One {
        desk_id: &'a str,
        facility_id: &'a str,
        token: &'a str,
    },
    File(&'a Path),
}

impl EndpointProcess {
    /// `db` is what `--db` takes: a file path, or a `postgres://` URL. An
    /// endpoint that exits instead of listening (a store it cannot open) is
    /// an error naming what it printed last.
    pub fn start(bin: &Path, db: &OsStr, tokens: Tokens<'_>) -> Result<EndpointProcess, String> {
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--db"])
            .arg(db)
            .args(["--listen", "127.0.0.1:0"]);
        match tokens {
            Tokens::One {
                desk_id,
                facility_id,
                token,
            } => cmd.args(["--token", &format!("{desk_id}@{facility_id}={token}")]),
            Tokens::File(path) => cmd.arg("--tokens-file").arg(path),
        };
        let mut child = cmd
            .env("WSO_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            // A read error leaves the line empty, which is reported below.
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        match line.trim().strip_prefix("listening on ") {
            Some(url) => Ok(EndpointProcess {
                url: url.to_owned(),
                child,
            }),
            None => {
                let _ = child.kill();
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                Err(format!(
                    "{} serve said {line:?} instead of its address ({status}; its stderr is above)",
                    bin.display()
                ))
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for EndpointProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
