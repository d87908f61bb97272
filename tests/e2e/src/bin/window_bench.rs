//! In-window benchmark: opens the real app on a database (e.g. 1M customers from
//! `frontdesk-bench size`/`seed`), types queries key by key through WebDriver and reads back
//! the window's own keystroke → results-painted times (`performance.now()` at the input event
//! to the first frame after the list rendered). Also: cold start to an interactive search box,
//! and resident memory of the app and its web process.
//!
//! `xvfb-run -a cargo run --release -p frontdesk-e2e --bin window-bench -- --db bench-data/1m.db`

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use frontdesk_e2e::{keys, memory_kb, Window};

#[derive(Parser)]
struct Args {
    /// The database to open (it is not changed).
    #[arg(long)]
    db: PathBuf,
    /// Queries typed key by key; each key is one measured keystroke.
    #[arg(long, num_args = 1.., default_values_t = [
        "maria".to_string(), "zoe mul".into(), "smith".into(), "garcía".into(), "anna k".into(),
        "7700 900".into(), "0161".into(), "555 01".into(), "gmail.com".into(), "j.smith@".into(),
    ])]
    queries: Vec<String>,
    /// Times the whole list is typed.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Profiles opened through the window's command bridge (customers who booked, at random).
    #[arg(long, default_value_t = 200)]
    profiles: usize,
}

/// Ids of up to `n` customers with appointments, spread over the database.
fn customers_with_history(db: &std::path::Path, n: usize) -> Vec<String> {
    let conn = frontdesk_core::store::read_beside_connection(db).expect("open the database");
    let max: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM customers", [], |r| r.get(0)).unwrap_or(0);
    let Ok(mut st) =
        conn.prepare("SELECT id FROM customers WHERE seq >= ?1 AND appointment_count > 0 ORDER BY seq LIMIT 1")
    else {
        return vec![];
    };
    let mut out = Vec::new();
    for i in 0..n as i64 {
        let at = 1 + (i * 7_919 * 104_729) % max.max(1);
        if let Ok(id) = st.query_row([at], |r| r.get::<_, Vec<u8>>(0)) {
            out.push(uuid_text(&id));
        }
    }
    out
}

fn uuid_text(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// When the process started (epoch ms), from /proc: boot time + start ticks.
fn process_start_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let ticks: f64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let btime: f64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find(|l| l.starts_with("btime"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let hz = 100.0; // USER_HZ on Linux
    Some((btime + ticks / hz) * 1000.0)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    assert!(
        args.db.exists(),
        "{} does not exist: make it with `frontdesk --db {} seed --count 1000000`",
        args.db.display(),
        args.db.display()
    );
    let w = Window::open_db("window-bench", &args.db).await;
    let pid = w.app_pid().expect("app process");

    // Cold start: process start → search box focused and the first results painted.
    let ready = w
        .until("first paint", || async {
            let v = w.js("const f = window.__frontdesk; return f && f.paintTimes.length && document.activeElement?.dataset.testid === 'search' ? performance.timeOrigin + f.paintTimes[0].at : null").await;
            v.as_f64()
        })
        .await;
    let started = process_start_ms(pid).expect("process start time");
    println!(
        "cold start to interactive search box: {:.0} ms (process start → focused box with first results painted)",
        ready - started
    );
    let marks = w.js("const m = n => performance.getEntriesByName(n)[0]?.startTime ?? null; return [performance.timeOrigin, m('frontdesk:script'), m('frontdesk:mounted')]").await;
    let m: Vec<f64> = marks.as_array().unwrap().iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
    println!(
        "  process start → page navigation {:.0} ms → UI script running +{:.0} ms → mounted +{:.0} ms → first results painted +{:.0} ms",
        m[0] - started,
        m[1],
        m[2] - m[1],
        ready - m[0] - m[2]
    );
    let first = w.js("const p = window.__frontdesk.paintTimes[0]; return [p.at - p.ms, p.ipc, p.dom, p.ms]").await;
    let f: Vec<f64> = first.as_array().unwrap().iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
    println!(
        "  first search: asked {:.0} ms after navigation → answered +{:.0} ms → list in the DOM +{:.0} ms → painted +{:.0} ms",
        f[0],
        f[1],
        f[2] - f[1],
        f[3] - f[2]
    );
    let _ = SystemTime::now().duration_since(UNIX_EPOCH);

    let search = w.testid("search").await;
    let (mut times, mut ipc, mut dom) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.rounds {
        for q in &args.queries {
            search.send_keys(keys::ESC).await.unwrap();
            tokio::time::sleep(Duration::from_millis(150)).await;
            let before = w.js("return window.__frontdesk.paintTimes.length").await.as_u64().unwrap();
            for (i, ch) in q.chars().enumerate() {
                search.send_keys(&ch.to_string()).await.unwrap();
                let want = before + i as u64 + 1;
                w.until("paint", || async {
                    (w.js("return window.__frontdesk.paintTimes.length").await.as_u64()? >= want).then_some(())
                })
                .await;
            }
            let got = w
                .js(&format!("return window.__frontdesk.paintTimes.slice({before}).map(p => [p.ms, p.ipc, p.dom])"))
                .await;
            for t in got.as_array().unwrap() {
                let t: Vec<f64> = t.as_array().unwrap().iter().filter_map(|v| v.as_f64()).collect();
                times.push(t[0]);
                ipc.push(t[1]);
                dom.push(t[2]);
            }
        }
    }
    let mut frame: Vec<f64> = times.iter().zip(&dom).map(|(t, d)| t - d).collect();
    for (what, v) in [
        ("search command answered", &mut ipc),
        ("list updated in the DOM", &mut dom),
        ("DOM updated → painted (frame wait + layout + paint)", &mut frame),
    ] {
        v.sort_by(|a, b| a.total_cmp(b));
        println!("  {what}: p50 {:.1} ms, p95 {:.1} ms", percentile(v, 0.5), percentile(v, 0.95));
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "keystroke → results painted over {} keystrokes: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(f64::NAN)
    );
    // The floor under any "painted" time here: from a random moment, how long until the next
    // frame has been painted (rAF + task), with nothing to render.
    let floor = w
        .client
        .execute_async(
            "const done = arguments[0]; (async () => { const out = []; for (let i = 0; i < 120; i++) { await new Promise(r => setTimeout(r, Math.random() * 30)); const t = performance.now(); await new Promise(r => requestAnimationFrame(() => setTimeout(r))); out.push(performance.now() - t); } done(out); })()",
            vec![],
        )
        .await
        .unwrap();
    let mut floor: Vec<f64> = floor.as_array().unwrap().iter().filter_map(|v| v.as_f64()).collect();
    floor.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  idle: random moment → next frame painted, nothing to render: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&floor, 0.5),
        percentile(&floor, 0.95)
    );
    // The profile: the window asks for a customer's detail with history and stats (the
    // command the profile screen runs), timed in the window around the bridge call.
    let ids = customers_with_history(&args.db, args.profiles);
    if !ids.is_empty() {
        let got = w
            .client
            .execute_async(
                "const [ids, done] = arguments; (async () => { const out = []; for (const id of ids) { const t = performance.now(); const d = await window.__TAURI_INTERNALS__.invoke('customer_detail', { id }); out.push([performance.now() - t, JSON.stringify(d).length]); } done(out); })()",
                vec![serde_json::json!(ids)],
            )
            .await
            .unwrap();
        let pairs: Vec<(f64, f64)> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap_or(f64::NAN), p[1].as_f64().unwrap_or(0.0)))
            .collect();
        let mut ms: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let mut kb: Vec<f64> = pairs.iter().map(|p| p.1 / 1000.0).collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        kb.sort_by(|a, b| a.total_cmp(b));
        println!(
            "profile with history, command round trip in the window over {} customers who booked: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (answer p50 {:.0} kB, p95 {:.0} kB)",
            ms.len(),
            percentile(&ms, 0.5),
            percentile(&ms, 0.95),
            percentile(&ms, 0.99),
            percentile(&kb, 0.5),
            percentile(&kb, 0.95)
        );
    }
    let web = std::process::Command::new("pgrep")
        .args(["-n", "WebKitWebProces"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<u32>().ok());
    let mb = |pid: Option<u32>, key: &str| {
        pid.and_then(|p| memory_kb(p, key)).map(|k| format!("{:.0}", k as f64 / 1024.0)).unwrap_or("?".into())
    };
    for (what, p) in [("app", Some(pid)), ("web process", web)] {
        println!(
            "memory of the {what}: RSS {} MB (private {} MB + shared library/file pages {} MB), PSS {} MB",
            mb(p, "VmRSS"),
            mb(p, "RssAnon"),
            mb(p, "RssFile"),
            mb(p, "Pss")
        );
    }
    w.close().await;
}
