//! `kbgen serve` through the real binary on a free loopback port: pages,
//! live reload after edits, a broken config that the server survives and
//! recovers from, path traversal, and answers under concurrent requests.
//! Rebuilds are awaited by polling with a deadline, never by fixed sleeps.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{kbgen, text};

/// How long a rebuild may take before a test fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// A running `kbgen serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `kbgen serve --port 0` on `root` and waits for its address.
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
            .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kbgen serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split(" at http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or("").to_owned());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("no address printed:\n{}", log.lock().unwrap()));
        let addr = addr.parse().unwrap();
        Server { child, addr, log }
    }

    fn get(&self, target: &str) -> Response {
        request(self.addr, target)
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Polls `target` until `pred` holds, or fails with the server's log.
    fn wait_for(&self, target: &str, what: &str, pred: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(target);
            if pred(&r) {
                return r;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "{what}: still {} after {DEADLINE:?}\n{}\n--- server log ---\n{}",
                    r.status,
                    r.body,
                    self.log.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request with a raw request target, sent exactly as given.
fn request(addr: SocketAddr, target: &str) -> Response {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response to {target}: {raw:?}"));
    Response {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

/// A site from `kbgen init`, in `<tmp>/site`.
fn site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = kbgen(&["init", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    (tmp, root)
}

const ENTRY: &str = "content/bash/command-not-found.md";
const PAGE: &str = "/bash/command-not-found/";

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The `data-kbgen-version` a page was built with.
fn version(body: &str) -> u64 {
    let at = body.find("data-kbgen-version=\"").expect("reload script") + 20;
    body[at..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn serves_pages_with_the_reload_script_and_local_links() {
    let (_tmp, root) = site();
    let server = Server::start(&root);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.head.contains("content-type: text/html"));
    assert!(
        home.body
            .contains("<script src=\"/__kbgen/livereload.js\" data-kbgen-version=\"")
    );
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("bash: kbgen: command not found"));
    assert!(
        page.body.contains(&format!(
            "href=\"http://{}/bash/command-not-found/\"",
            server.addr
        )),
        "base_url is the server's own address"
    );
    let css = server.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert!(css.head.contains("content-type: text/css"));
    assert!(!css.body.contains("livereload"));
    let js = server.get("/__kbgen/livereload.js");
    assert!(js.status == 200 && js.body.contains("EventSource"));
    let redirect = server.get("/bash");
    assert_eq!(redirect.status, 308);
    assert!(
        redirect.head.contains("location: /bash/\r\n"),
        "{}",
        redirect.head
    );
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's 404.html"
    );
}

#[test]
fn edits_rebuild_and_reload_broken_config_is_survived_and_recovered() {
    let (_tmp, root) = site();
    let mut server = Server::start(&root);
    let first = server.get(PAGE);
    assert_eq!(first.status, 200);

    // The reload stream, opened with the page's version, announces the edit.
    let mut events = TcpStream::connect(server.addr).unwrap();
    events.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        events,
        "GET /__kbgen/livereload?since={} HTTP/1.1\r\nHost: x\r\n\r\n",
        version(&first.body)
    )
    .unwrap();

    edit(
        &root,
        ENTRY,
        "title: 'bash: kbgen: command not found'",
        "title: 'Edited <title> of the example'",
    );
    let edited = server.wait_for(PAGE, "the edit shows", |r| {
        r.status == 200 && r.body.contains("Edited &lt;title&gt; of the example")
    });
    assert!(version(&edited.body) > version(&first.body));
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("event: reload\ndata: ") {
        let n = events.read(&mut buf).expect("the reload event arrives");
        assert!(n > 0, "the event stream closed");
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&seen).contains("content-type: text/event-stream"));

    // A broken config: the server stays up and shows the diagnostics, escaped.
    let config = std::fs::read_to_string(root.join("kbgen.yaml")).unwrap();
    std::fs::write(
        root.join("kbgen.yaml"),
        format!("{config}<img src=x onerror=alert(1)>: oops\n"),
    )
    .unwrap();
    let broken = server.wait_for(PAGE, "the error page shows", |r| r.status == 500);
    assert!(
        broken.body.contains("error[unknown-field]"),
        "{}",
        broken.body
    );
    assert!(broken.body.contains("kbgen.yaml:"), "{}", broken.body);
    assert!(broken.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!broken.body.contains("<img"), "diagnostics are escaped");
    assert!(
        broken.body.contains("/__kbgen/livereload.js"),
        "it reloads itself"
    );
    assert_eq!(
        server.get("/").status,
        500,
        "every HTML page shows the errors"
    );
    assert_eq!(
        server.get("/assets/style.css").status,
        200,
        "assets still load"
    );
    assert!(server.alive(), "the server survived the broken config");

    // The next good save recovers.
    std::fs::write(root.join("kbgen.yaml"), &config).unwrap();
    server.wait_for(PAGE, "the site recovers", |r| {
        r.status == 200 && r.body.contains("Edited &lt;title&gt; of the example")
    });

    // templates/ and static/ did not exist at start: they are watched once created.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/404.html"), "{% if %}broken").unwrap();
    let broken = server.wait_for("/", "the template error shows", |r| r.status == 500);
    assert!(
        broken.body.contains("templates/404.html"),
        "{}",
        broken.body
    );
    std::fs::write(root.join("templates/404.html"), "<p>custom 404 page</p>").unwrap();
    let missing = server.wait_for("/nothing-here", "the custom 404 shows", |r| {
        r.status == 404 && r.body.contains("custom 404 page")
    });
    assert!(missing.body.contains("/__kbgen/livereload.js"));
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/hello.txt"), "hello from static\n").unwrap();
    server.wait_for("/hello.txt", "a new static file is served", |r| {
        r.status == 200 && r.body == "hello from static\n"
    });
    assert!(server.alive());
}

#[test]
fn requests_that_try_to_leave_the_site_get_404() {
    let (tmp, root) = site();
    std::fs::write(tmp.path().join("secret.txt"), "TOP SECRET outside\n").unwrap();
    std::fs::write(root.join("secret.txt"), "TOP SECRET root\n").unwrap();
    let server = Server::start(&root);
    assert_eq!(server.get("/bash/").status, 200);
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/bash/../../secret.txt",
        "/bash/../index.html",
        "/./index.html",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/bash/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/bash%2f..%2f..%2fsecret.txt",
        "/%2fetc%2fpasswd",
        "/..%5csecret.txt",
        "/..%5Csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "//secret.txt",
        "/C:/Windows/win.ini",
        "/index.html%00.css",
        "/%252e%252e/secret.txt",
        "/kbgen.yaml",
        "/content/bash/command-not-found.md",
        "http://127.0.0.1/../secret.txt",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target} -> {}", r.status);
        assert!(
            r.body.contains("Page not found"),
            "{target}: the site's 404 page"
        );
        assert!(!r.body.contains("TOP SECRET"), "{target} leaked a file");
    }
}

#[test]
fn keeps_answering_concurrent_requests() {
    let (_tmp, root) = site();
    let server = Server::start(&root);
    let expected = server.get(PAGE).body;
    let addr = server.addr;
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let expected = expected.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let r = request(addr, PAGE);
                    assert_eq!(r.status, 200);
                    assert_eq!(r.body, expected);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a worker failed");
    }
}

#[test]
fn refuses_to_start_without_a_site_or_on_a_busy_port() {
    let tmp = tempfile::tempdir().unwrap();
    let out = kbgen(&[
        "serve",
        "--root",
        tmp.path().to_str().unwrap(),
        "--port",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no kbgen.yaml"), "{}", text(&out));

    let (_tmp, root) = site();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = kbgen(&["serve", "--root", root.to_str().unwrap(), "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("cannot listen on 127.0.0.1:"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_rebuild_does_not_trigger_the_next_one() {
    // Building reads every source; if reading counted as a change, each build
    // would start another one, forever.
    let (_tmp, root) = site();
    let server = Server::start(&root);
    let builds = || server.log.lock().unwrap().matches("Built ").count();
    assert_eq!(builds(), 1);
    edit(
        &root,
        ENTRY,
        "tags: [path, shell, installation]",
        "tags: [path, shell]",
    );
    let start = Instant::now();
    while builds() < 2 {
        assert!(start.elapsed() < DEADLINE, "no rebuild after an edit");
        std::thread::sleep(Duration::from_millis(50));
    }
    // `fs::write` truncates, then writes: on a loaded machine the two can reach the
    // watcher more than one debounce period apart and make two rebuilds. What must not
    // happen is a build causing the next: after the edit's rebuilds, ten debounce
    // periods of quiet.
    std::thread::sleep(Duration::from_millis(500));
    let after_edit = builds();
    assert!(after_edit <= 3, "{}", server.log.lock().unwrap());
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(builds(), after_edit, "{}", server.log.lock().unwrap());
}
