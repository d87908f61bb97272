//! Drives the real Frontdesk window: the app binary, started by `tauri-driver` (which runs
//! WebKitWebDriver), on its own database in a temporary folder, under the X display the test
//! command provides (Xvfb). Used by the end-to-end tests and by `window-bench`.

use std::future::Future;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub use fantoccini;

/// WebDriver key codes.
pub mod keys {
    pub const CTRL: &str = "\u{E009}";
    pub const ESC: &str = "\u{E00C}";
    pub const ENTER: &str = "\u{E007}";
    pub const DOWN: &str = "\u{E015}";
    pub const UP: &str = "\u{E013}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    /// Releases held modifier keys.
    pub const NULL: &str = "\u{E000}";
}

/// One window at a time: the machine has two cores and each window is a WebKit process tree.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// The app binary: `FRONTDESK_APP_BIN`, else the debug build the test command makes.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("FRONTDESK_APP_BIN") {
        return PathBuf::from(p);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug/frontdesk-app")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port").port()
}

/// The running app and the WebDriver session that drives it. Closing (or dropping) it stops
/// the app and the driver.
pub struct Window {
    pub client: Client,
    _driver: Driver,
    pub db: PathBuf,
    pub name: String,
    _one: MutexGuard<'static, ()>,
    _dir: Option<tempfile::TempDir>,
}

/// A database for a test: fresh in a temporary folder, prepared by `prepare` before the
/// window opens (the store is closed again before the app opens it).
pub fn fresh_db(prepare: impl FnOnce(&frontdesk_core::Store)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("frontdesk.db");
    let store = frontdesk_core::Store::open(&db, Default::default()).expect("open test database");
    prepare(&store);
    drop(store);
    (dir, db)
}

impl Window {
    /// Opens the app on a fresh database prepared by `prepare`.
    pub async fn open(name: &str, prepare: impl FnOnce(&frontdesk_core::Store)) -> Window {
        let (dir, db) = fresh_db(prepare);
        let mut w = Window::open_db(name, &db).await;
        w._dir = Some(dir);
        w
    }

    /// Opens the app on an existing database.
    // The lock is held across the awaits on purpose: one window (and one driver) at a time.
    #[allow(clippy::await_holding_lock)]
    pub async fn open_db(name: &str, db: &Path) -> Window {
        let one = ONE_WINDOW.lock().unwrap_or_else(|e| e.into_inner());
        let app = app_binary();
        assert!(
            app.exists(),
            "The app binary {} is missing: build the UI and the app first (./scripts/test does: npm run build in ui/, then cargo build -p frontdesk-app).",
            app.display()
        );
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "No X display: run the end-to-end tests under Xvfb (./scripts/test does: xvfb-run)."
        );
        // The session is retried: tauri-driver occasionally drops the very first request while
        // WebKitWebDriver starts (seen as "IncompleteMessage").
        let mut attempt = 0;
        let (client, driver) = loop {
            attempt += 1;
            let (driver, url) = start_driver(db).await;
            match connect(&url, &app).await {
                Ok(client) => break (client, driver),
                Err(e) if attempt < 3 => {
                    eprintln!("[{name}] WebDriver session failed ({e}); retrying");
                    drop(driver);
                }
                Err(e) => panic!("[{name}] no WebDriver session with the app after {attempt} attempts: {e}"),
            }
        };
        let w = Window { client, _driver: driver, db: db.to_path_buf(), name: name.to_string(), _one: one, _dir: None };
        w.testid("search").await;
        w
    }

    /// Waits (up to 10 s) until `check` returns `Some`.
    pub async fn until<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let started = Instant::now();
        loop {
            if let Some(v) = check().await {
                return v;
            }
            if started.elapsed() > Duration::from_secs(10) {
                self.shot(&format!("{}-FAILED", self.name)).await;
                panic!("[{}] timed out waiting for {what}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    pub async fn css(&self, selector: &str) -> Element {
        let sel = selector.to_string();
        self.until(&format!("`{selector}`"), || async { self.client.find(Locator::Css(&sel)).await.ok() }).await
    }

    pub async fn testid(&self, id: &str) -> Element {
        self.css(&format!("[data-testid=\"{id}\"]")).await
    }

    pub async fn field(&self, name: &str) -> Element {
        self.css(&format!("[name=\"{name}\"]")).await
    }

    /// Is an element matching `selector` on screen now?
    pub async fn has(&self, selector: &str) -> bool {
        self.client.find_all(Locator::Css(selector)).await.map(|v| !v.is_empty()).unwrap_or(false)
    }

    /// Types into a field (after clearing it), as a person would, key by key.
    pub async fn fill(&self, name: &str, text: &str) {
        let f = self.field(name).await;
        // Select all and delete, as a person does (WebDriver's "clear" fires no input event).
        f.send_keys(&format!("{}a{}", keys::CTRL, keys::NULL)).await.unwrap();
        f.send_keys(keys::BACKSPACE).await.unwrap();
        if !text.is_empty() {
            f.send_keys(text).await.unwrap();
        }
    }

    pub async fn click(&self, testid: &str) {
        self.testid(testid).await.click().await.unwrap();
    }

    /// Waits until the element's text satisfies `ok`; returns the text.
    pub async fn text_until(&self, testid: &str, ok: impl Fn(&str) -> bool) -> String {
        // From the DOM: WebKitWebDriver's visible text is empty for a clipped (ellipsis) element.
        let sel = format!("[data-testid=\"{testid}\"]");
        self.until(&format!("{testid} text"), || async {
            let v = self
                .client
                .execute("return document.querySelector(arguments[0])?.textContent.trim() ?? null", vec![json!(sel)])
                .await
                .ok()?;
            let t = v.as_str()?.to_string();
            ok(&t).then_some(t)
        })
        .await
    }

    /// Each result row in the list, top to bottom, as "name | code | phone | email | branch |
    /// status" (from the DOM: WebKitWebDriver's visible-text reading skips clipped cells).
    pub async fn rows(&self) -> Vec<String> {
        self.texts("[data-testid=\"customer-row\"]").await
    }

    /// The cells of each element matching `selector`, joined with " | ".
    pub async fn texts(&self, selector: &str) -> Vec<String> {
        let script = "return [...document.querySelectorAll(arguments[0])]\
            .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)\
            .map(r => r.children.length ? [...r.children].map(c => c.textContent.trim()).join(' | ') : r.textContent.trim())";
        let v = self.client.execute(script, vec![json!(selector)]).await.unwrap_or(Value::Null);
        v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
    }

    /// The selected result row ("name | code | ..."), if any.
    pub async fn selected_row(&self) -> Option<String> {
        self.texts(".row.selected").await.into_iter().next()
    }

    /// Waits until the result rows satisfy `ok`.
    pub async fn rows_until(&self, what: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
        self.until(what, || async {
            let r = self.rows().await;
            ok(&r).then_some(r)
        })
        .await
    }

    /// Replaces the search box's text by typing `query`, and waits until the list shows the
    /// answer to it (not the list before, nor the empty query's).
    pub async fn search(&self, query: &str) {
        let s = self.testid("search").await;
        s.send_keys(keys::ESC).await.unwrap();
        s.send_keys(query).await.unwrap();
        self.until(&format!("the answer to {query:?}"), || async {
            let v = self.js("return document.querySelector('[data-testid=results]')?.dataset.query ?? null").await;
            (v.as_str() == Some(query)).then_some(())
        })
        .await;
    }

    /// Rows in the app's database with this email (read-only, beside the running app).
    pub fn customers_with_email(&self, email: &str) -> i64 {
        let conn = frontdesk_core::store::read_beside_connection(&self.db).expect("open the app's database");
        conn.query_row("SELECT count(*) FROM customers WHERE lower(email) = lower(?1)", [email], |r| r.get(0))
            .expect("count")
    }

    /// One number from the app's database (read-only, beside the running app).
    pub fn query_i64(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) -> i64 {
        let conn = frontdesk_core::store::read_beside_connection(&self.db).expect("open the app's database");
        conn.query_row(sql, params, |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The database file the app works on.
    pub fn db_path(&self) -> &Path {
        &self.db
    }

    /// Chooses the option with `value` in the `<select name=…>`, as a click on it would.
    pub async fn choose(&self, name: &str, value: &str) {
        let select = self.field(name).await;
        // Into the middle of the view first: a sticky bar may cover a field low on a long form.
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&select).unwrap()])
            .await
            .ok();
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("[{}] choosing {value} in {name}: {e:?}", self.name));
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script in the window")
    }

    /// Saves a screenshot of the X screen (the real window, as painted) to
    /// `target/e2e-screenshots/<name>.png`, after two frames have been painted. (WebKitWebDriver's
    /// own screenshot can return a frame from before the last change.)
    pub async fn shot(&self, name: &str) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let dir = workspace_root().join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{name}.png"));
        let x = Command::new("import").args(["-window", "root"]).arg(&path).stderr(Stdio::null()).status();
        if !x.is_ok_and(|s| s.success()) {
            if let Ok(png) = self.client.screenshot().await {
                let _ = std::fs::write(&path, png);
            }
        }
    }

    /// Process id of the app (the child of WebKitWebDriver that runs our binary).
    pub fn app_pid(&self) -> Option<u32> {
        let out = Command::new("pgrep").args(["-f", "-n", &app_binary().display().to_string()]).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

async fn start_driver(db: &Path) -> (Driver, String) {
    let port = free_port();
    let native_port = free_port();
    let driver = Driver(
        Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("FRONTDESK_DB", db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("tauri-driver is not installed (./scripts/test installs it: cargo install tauri-driver)"),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(15), "tauri-driver did not listen on port {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (driver, format!("http://127.0.0.1:{port}"))
}

async fn connect(url: &str, app: &Path) -> Result<Client, fantoccini::error::NewSessionError> {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": app }));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new()).capabilities(caps).connect(url).await
}

/// tauri-driver in its own process group; dropping it stops the group (the driver, its
/// WebKitWebDriver and the app), whatever state the test ended in.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (a WebKitWebDriver that outlived its parent).
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.0.wait();
    }
}

/// A memory figure of a process from /proc (kB): `VmRSS`, `RssAnon`, `RssFile` (status) or
/// `Pss` (smaps_rollup: shared pages divided among the processes that share them).
pub fn memory_kb(pid: u32, key: &str) -> Option<u64> {
    let file = if key == "Pss" { "smaps_rollup" } else { "status" };
    let s = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    s.lines().find(|l| l.starts_with(&format!("{key}:")))?.split_whitespace().nth(1)?.parse().ok()
}
