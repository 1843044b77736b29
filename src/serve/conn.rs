//! The server's connection loop: HTTP/1.1 over each accepted TCP connection, with the
//! bounds a server reachable by other programs needs.
//!
//! A client gets [`HEADER_TIMEOUT`] to send a request's headers, which also bounds how
//! long a kept-alive connection may wait for its next request; a connection on which no
//! byte moves either way for [`IDLE_TIMEOUT`] is closed (the reload stream sends a
//! keep-alive comment every 15 s, so an open page is never idle that long); and at most
//! [`MAX_CONNECTIONS`] are open at once, so that clients that never finish a request cannot
//! take every file descriptor of the process: past the limit a new connection is closed
//! at once and the server goes on answering the others.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How long a client may take to send the headers of a request, or to start the next one.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may go without a byte read or written.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections open at once; a process commonly may open 1,024 files.
pub const MAX_CONNECTIONS: usize = 512;

/// Accepts connections until the listener fails, serving `app` on each.
pub async fn serve(listener: TcpListener, app: Router) -> io::Result<()> {
    serve_with(listener, app, Limits::default()).await
}

/// The bounds of [`serve`], apart so that tests can make them short.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

pub async fn serve_with(listener: TcpListener, app: Router, limits: Limits) -> io::Result<()> {
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection that failed before it was accepted, or no descriptor left for
            // now: the next accept may well succeed.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let app = app.clone();
        tokio::spawn(async move {
            connection(stream, app, limits).await;
            drop(permit);
        });
    }
}

async fn connection(stream: TcpStream, app: Router, limits: Limits) {
    let _ = stream.set_nodelay(true);
    let start = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let io = Watched {
        inner: stream,
        start,
        last: Arc::clone(&last),
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(app));
    let idle = async {
        loop {
            let quiet = start
                .elapsed()
                .saturating_sub(Duration::from_millis(last.load(Ordering::Relaxed)));
            if quiet >= limits.idle_timeout {
                return;
            }
            tokio::time::sleep(limits.idle_timeout - quiet).await;
        }
    };
    tokio::select! {
        _ = conn => {}
        () = idle => {}
    }
}

/// A stream that records when a byte last moved, in milliseconds since `start`.
struct Watched {
    inner: TcpStream,
    start: Instant,
    last: Arc<AtomicU64>,
}

impl Watched {
    fn moved(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.moved();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const LIMITS: Limits = Limits {
        header_timeout: Duration::from_millis(400),
        idle_timeout: Duration::from_millis(1500),
        max_connections: 4,
    };

    async fn start() -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", axum::routing::get(|| async { "ok" }));
        tokio::spawn(serve_with(listener, app, LIMITS));
        addr
    }

    /// Reads until the server closes the connection; how long that took, and what came.
    async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<(Duration, Vec<u8>)> {
        let start = Instant::now();
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match tokio::time::timeout_at((start + within).into(), stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return Some((start.elapsed(), got)),
                Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
                Err(_) => return None,
            }
        }
    }

    async fn answers(addr: std::net::SocketAddr) -> bool {
        let Ok(mut s) = TcpStream::connect(addr).await else {
            return false;
        };
        let _ = s
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        until_closed(&mut s, Duration::from_secs(5))
            .await
            .is_some_and(|(_, body)| body.starts_with(b"HTTP/1.1 200"))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_trickling_headers_is_cut_off() {
        let addr = start().await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let trickle = async {
            for i in 0..50 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if s.write_all(format!("X-{i}: y\r\n").as_bytes())
                    .await
                    .is_err()
                {
                    break;
                }
            }
        };
        let deadline = tokio::time::timeout(Duration::from_secs(5), trickle).await;
        assert!(
            deadline.is_ok(),
            "the trickle ran 5 s without being cut off"
        );
        let closed = until_closed(&mut s, Duration::from_secs(2)).await;
        assert!(closed.is_some(), "the connection is still open");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_kept_alive_connection_that_goes_quiet_is_closed() {
        let addr = start().await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let (took, got) = until_closed(&mut s, Duration::from_secs(5))
            .await
            .expect("closed within 5 s");
        assert!(
            got.starts_with(b"HTTP/1.1 200"),
            "{:?}",
            String::from_utf8_lossy(&got)
        );
        assert!(took >= LIMITS.header_timeout, "closed after {took:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_limit_new_connections_are_closed_and_the_server_recovers() {
        let addr = start().await;
        let mut silent = Vec::new();
        for _ in 0..LIMITS.max_connections {
            silent.push(TcpStream::connect(addr).await.unwrap());
        }
        // Give the server time to take the silent connections, then one more is refused.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut extra = TcpStream::connect(addr).await.unwrap();
        let closed = until_closed(&mut extra, Duration::from_millis(300)).await;
        assert!(closed.is_some(), "a connection past the limit stays open");
        // The silent ones time out; then requests are answered again.
        tokio::time::sleep(LIMITS.header_timeout + Duration::from_millis(300)).await;
        assert!(
            answers(addr).await,
            "no answer after the silent clients timed out"
        );
    }
}
