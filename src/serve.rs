//! `kbgen serve`: a preview server that rebuilds on every change and reloads
//! the pages that are open.
//!
//! The site is built into memory with the same stages as `kbgen build`
//! ([`crate::site::prepare`] and [`crate::site::render_site`]), with `base_url`
//! set to the server's own address so every link works locally. The current
//! build is one immutable [`snapshot::Snapshot`] behind a `tokio::sync::watch`
//! channel held in an `Arc` that the handlers share (no global state): a
//! rebuild swaps in a new snapshot, and the same channel wakes the
//! server-sent-events streams that tell open pages to reload. A build with
//! errors replaces every HTML page with a page that lists the diagnostics, and
//! the server keeps watching; the next good save recovers.

mod conn;
mod path;
mod snapshot;
mod watch;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::load::config::CONFIG_FILE;
pub use path::site_path;
use snapshot::{RELOAD_EVENTS_PATH, RELOAD_JS, RELOAD_JS_PATH, Snapshot};

/// The default port: `kbgen serve` listens on `127.0.0.1:1111` unless told otherwise.
pub const DEFAULT_PORT: u16 = 1111;

/// What `kbgen serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; 0 picks a free one (the address is printed).
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
}

/// What the handlers share: the current build, and the channel that announces new ones.
struct Shared {
    current: tokio::sync::watch::Sender<Arc<Snapshot>>,
}

/// Serves the site until Ctrl+C. Errors are the ones that stop the server
/// from starting at all (no site, address in use); site errors never stop it.
pub fn run(opts: &ServeOptions) -> Result<(), String> {
    let root = std::fs::canonicalize(&opts.root)
        .map_err(|e| format!("cannot open the site folder {}: {e}", opts.root.display()))?;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(format!(
            "no {CONFIG_FILE} in {}: is this a kbgen site? (`kbgen init DIR` starts one; `--root DIR` points at one)",
            root.display()
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kbgen-serve")
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    runtime.block_on(serve(root, opts.clone()))
}

async fn serve(root: PathBuf, opts: ServeOptions) -> Result<(), String> {
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (another server uses it; choose another port with --port N, or --port 0 for any free one)"
        } else {
            ""
        };
        format!("cannot listen on {addr}: {e}{hint}")
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let base_url = base_url_for(local);

    let mut first = {
        let (root, base_url) = (root.clone(), base_url.clone());
        tokio::task::spawn_blocking(move || {
            snapshot::build(&root, opts.drafts, &base_url, first_version(), None, None)
        })
        .await
        .map_err(|e| format!("the first build failed: {e}"))?
    };
    print_outcome(&first, None);
    let mut templates = first.templates.take();
    let (tx, _) = tokio::sync::watch::channel(Arc::new(first.snapshot));
    let shared = Arc::new(Shared { current: tx });

    let rebuild = Arc::clone(&shared);
    let (watch_root, watch_base) = (root.clone(), base_url.clone());
    watch::spawn(root.clone(), move |changed| {
        let previous = rebuild.current.borrow().clone();
        let mut outcome = snapshot::build(
            &watch_root,
            opts.drafts,
            &watch_base,
            previous.version + 1,
            Some(&previous),
            templates.take(),
        );
        templates = outcome.templates.take();
        print_outcome(&outcome, Some(&changed));
        rebuild.current.send_replace(Arc::new(outcome.snapshot));
    })?;

    eprintln!(
        "Serving {} at {base_url} with live reload; press Ctrl+C to stop.",
        root.display()
    );
    let app = router(shared);
    tokio::select! {
        result = conn::serve(listener, app) => result.map_err(|e| format!("the server stopped: {e}")),
        _ = tokio::signal::ctrl_c() => {
            eprintln!("Stopped.");
            Ok(())
        }
    }
}

/// `http://127.0.0.1:1111/`; an unspecified bind address is shown as loopback.
fn base_url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Versions start from the clock, so a page left open across a restart reloads too.
fn first_version() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(1)
}

fn print_outcome(outcome: &snapshot::Outcome, changed: Option<&[String]>) {
    if let Some(changed) = changed {
        let more = match changed.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        eprintln!(
            "Changed: {}{more}",
            changed.first().map(String::as_str).unwrap_or("")
        );
    }
    if outcome.ok {
        eprintln!("{}", outcome.message);
    } else {
        eprint!("{}", outcome.message);
        eprintln!(
            "The site has errors: the browser shows them until you save a fix. Still watching."
        );
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(RELOAD_JS_PATH, get(reload_js))
        .route(RELOAD_EVENTS_PATH, get(reload_events))
        .fallback(page)
        .with_state(shared)
        .layer(CatchPanicLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

/// Every site path: a file, a redirect to the folder's slash, the error page, or 404.
async fn page(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let snap = shared.current.borrow().clone();
    let Some(path) = site_path(uri.path()) else {
        return not_found(&snap);
    };
    let is_html = path.ends_with(".html");
    if let (Some(broken), true) = (&snap.broken, is_html) {
        return html(StatusCode::INTERNAL_SERVER_ERROR, broken.clone());
    }
    if let Some(bytes) = snap.files.get(&path) {
        return file(StatusCode::OK, &path, bytes.clone());
    }
    if snap.files.contains_key(&format!("{path}/index.html")) {
        let mut location = format!("{}/", uri.path());
        if let Some(q) = uri.query() {
            location = format!("{location}?{q}");
        }
        if let Ok(value) = HeaderValue::from_str(&location) {
            return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, value)]).into_response();
        }
    }
    if let Some(broken) = &snap.broken {
        return html(StatusCode::INTERNAL_SERVER_ERROR, broken.clone());
    }
    not_found(&snap)
}

/// 404 with the site's own `404.html`.
fn not_found(snap: &Snapshot) -> Response {
    match snap.files.get("404.html") {
        Some(bytes) => html(StatusCode::NOT_FOUND, bytes.clone()),
        None => (StatusCode::NOT_FOUND, "404 Not Found\n").into_response(),
    }
}

fn html(status: StatusCode, bytes: Bytes) -> Response {
    file(status, "x.html", bytes)
}

fn file(status: StatusCode, path: &str, bytes: Bytes) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, snapshot::content_type(path))],
        Body::from(bytes),
    )
        .into_response()
}

async fn reload_js() -> Response {
    file(
        StatusCode::OK,
        "livereload.js",
        Bytes::from_static(RELOAD_JS.as_bytes()),
    )
}

/// Server-sent events: one `reload` event as soon as a build newer than the
/// page's (`?since=VERSION`) exists, then one per rebuild.
async fn reload_events(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let since = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    let rx = shared.current.subscribe();
    let stream = futures_util::stream::unfold((rx, since), |(mut rx, since)| async move {
        let now = rx.borrow_and_update().version;
        if since.is_none_or(|s| s == now) {
            rx.changed().await.ok()?;
        }
        let version = rx.borrow_and_update().version;
        let event = Event::default().event("reload").data(version.to_string());
        Some((Ok(event), (rx, Some(version))))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_uses_the_bound_address() {
        let at = |s: &str| base_url_for(s.parse().unwrap());
        assert_eq!(at("127.0.0.1:1111"), "http://127.0.0.1:1111/");
        assert_eq!(at("0.0.0.0:8080"), "http://127.0.0.1:8080/");
        assert_eq!(at("[::]:8080"), "http://[::1]:8080/");
        assert_eq!(at("[::1]:1111"), "http://[::1]:1111/");
    }
}
