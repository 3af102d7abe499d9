//! Drives the real WSO Desk window through WebDriver: tauri-driver in front of
//! WebKitWebDriver, which starts the built app. The database is prepared with
//! `wso_core` itself (the same code `wsoctl` runs), so what the test expects
//! on screen comes from the store, not from the test.
//!
//! Needs a display (Xvfb), tauri-driver and a built `wso-desk`; the tests are
//! `#[ignore]`d and `scripts/test.sh` runs them under `xvfb-run`.

pub mod desk;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long any one thing may take to show up on screen.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The built app: `WSO_DESK_BIN`, else `target/debug/wso-desk` of this workspace.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("WSO_DESK_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/wso-desk")
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        cargo_bin
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One running window and the WebDriver session on it.
pub struct Window {
    pub client: Client,
    driver: Child,
}

impl Window {
    /// Start the app on the database `db` (key in `key_file`) and connect.
    pub async fn start(db: &Path, key_file: &Path) -> Result<Window> {
        Window::start_with_env(db, key_file, &[]).await
    }

    /// As [`Window::start`], with extra environment for the app (e.g. the idle lock).
    pub async fn start_with_env(
        db: &Path,
        key_file: &Path,
        env: &[(&str, &str)],
    ) -> Result<Window> {
        let app = app_binary();
        if !app.exists() {
            return Err(format!(
                "{} is missing: build it with `cargo build -p wso-desk`",
                app.display()
            )
            .into());
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            // The app inherits these through tauri-driver and WebKitWebDriver.
            .env("WSO_DB", db)
            .env("WSO_DB_KEY_FILE", key_file)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .envs(env.iter().copied())
            // A log file, not our stderr: a driver that outlives a killed test
            // must not hold the test runner's output pipe open.
            .stdout(Stdio::null())
            .stderr(log_file(db)?);
        // Own process group, so a failed test can take the app down with the driver.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command
            .spawn()
            .map_err(|e| format!("starting tauri-driver: {e}"))?;
        let mut window = Window {
            client: connect(port, &app).await?,
            driver,
        };
        window.wait_for_title().await?;
        Ok(window)
    }

    async fn wait_for_title(&mut self) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if self
                .client
                .title()
                .await
                .map(|t| t == "WSO Desk")
                .unwrap_or(false)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the window never showed the title \"WSO Desk\"".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// End the session (tauri-driver then closes the app) and stop the driver.
    pub async fn stop(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        self.kill();
        closed.map_err(Into::into)
    }

    fn kill(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.driver.wait();
    }

    pub async fn find(&self, locator: Locator<'_>) -> Result<Element> {
        Ok(self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(locator)
            .await?)
    }

    pub async fn button(&self, text: &str) -> Result<Element> {
        self.find(Locator::XPath(&format!(
            "//button[normalize-space(.)={}]",
            xpath_literal(text)
        )))
        .await
    }

    pub async fn click(&self, button_text: &str) -> Result<()> {
        self.button(button_text).await?.click().await?;
        Ok(())
    }

    /// The input or select whose visible label is `label` (also its accessible name).
    pub async fn field(&self, label: &str) -> Result<Element> {
        let label_el = self
            .find(Locator::XPath(&format!(
                "//label[normalize-space(.)={}]",
                xpath_literal(label)
            )))
            .await?;
        let id = label_el
            .attr("for")
            .await?
            .ok_or_else(|| format!("label {label:?} names no field"))?;
        self.find(Locator::Id(&id)).await
    }

    pub async fn fill(&self, label: &str, value: &str) -> Result<()> {
        let field = self.field(label).await?;
        // Select all and delete as a person would, so the page sees input
        // events (WebDriver's clear() does not reliably fire them).
        field.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        if !value.is_empty() {
            field.send_keys(value).await?;
        }
        Ok(())
    }

    /// The booking form's fields of the criminal release and the supervising
    /// ICE officer (agreement.md s1, s3), released at `released_at` (facility
    /// wall clock, as typed) on bond.
    pub async fn fill_criminal_release(&self, released_at: &str) -> Result<()> {
        self.fill("Released from criminal custody at", released_at)
            .await?;
        self.choose("Basis", "bond").await?;
        self.fill("Supervising ICE officer", "SDDO K. Patel").await
    }

    /// Pick the option whose value is `value` in the select labelled `label`.
    pub async fn choose(&self, label: &str, value: &str) -> Result<()> {
        self.field(label).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Wait until the element found by `css` contains `text`; return its text.
    pub async fn wait_text(&self, css: &str, text: &str) -> Result<String> {
        self.wait_text_for(css, text, PATIENCE).await
    }

    pub async fn wait_text_for(&self, css: &str, text: &str, patience: Duration) -> Result<String> {
        let deadline = Instant::now() + patience;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(text) {
                    return Ok(last);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("{css} never showed {text:?}; last seen: {last:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while !self.client.find_all(Locator::Css(css)).await?.is_empty() {
            if Instant::now() > deadline {
                return Err(format!("{css} is still on screen").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Acknowledge the logon banner and sign in.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<()> {
        self.click("Acknowledge").await?;
        self.fill("Username", username).await?;
        self.fill("Password", password).await?;
        self.click("Sign in").await?;
        self.wait_text("h1#board-title", "Open holds").await?;
        Ok(())
    }

    /// Save a PNG of the whole X screen (the window fills it) for a person to
    /// look at. WebKitWebDriver's own screenshot hangs under Xvfb, so this
    /// uses ImageMagick's `import` (the real one, not /usr/local's stand-in).
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Let the last repaint land.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let status = Command::new("/usr/bin/import")
            .args(["-window", "root"])
            .arg(path)
            .status()?;
        if !status.success() {
            return Err(format!("import could not capture the screen: {status}").into());
        }
        Ok(())
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        // A test that failed half-way: leave no app or driver behind.
        if let Ok(None) = self.driver.try_wait() {
            self.kill();
        }
    }
}

fn log_file(db: &Path) -> Result<Stdio> {
    let path = db.with_extension("driver.log");
    Ok(Stdio::from(std::fs::File::create(path)?))
}

/// Run one test's body with a time limit, so a hung WebDriver call fails the
/// test instead of hanging CI.
pub async fn within<F: std::future::Future<Output = Result<()>>>(body: F) -> Result<()> {
    match tokio::time::timeout(Duration::from_secs(180), body).await {
        Ok(result) => result,
        Err(_) => Err("the test took longer than 180 s".into()),
    }
}

async fn connect(port: u16, app: &Path) -> Result<Client> {
    let caps = json!({ "tauri:options": { "application": app, "args": [] } });
    let caps = caps.as_object().cloned().unwrap_or_default();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + PATIENCE;
    loop {
        match ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Ok(client),
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(format!("no WebDriver session on {url}: {e}").into()),
        }
    }
}

/// Quote text for XPath, even text holding an apostrophe.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
