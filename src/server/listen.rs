//! The accept loop. `axum::serve` sets no header timeout and no idle timeout and takes any
//! number of connections, so a slow client can hold a connection, and a file descriptor,
//! for as long as it likes: a thousand of them (slowloris) stopped the server. Here every
//! connection has a deadline for its request headers, is closed after a quiet spell, and
//! counts against a cap; the process also asks for as many file descriptors as it may.
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Sleep;
use tower::ServiceExt;

/// How long connections may take and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From the first byte of a request to the end of its headers.
    pub header_read: Duration,
    /// A connection with no bytes in either direction for this long is closed.
    pub idle: Duration,
    /// Connections open at once; one more is closed on accept (and logged).
    pub max_connections: usize,
    /// Open connections get this long to finish after a shutdown signal.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(75),
            max_connections: 4096,
            drain: Duration::from_secs(10),
        }
    }
}

/// Raises the soft limit on open files to the hard limit, so the connection cap and not
/// the descriptor table decides when connections are refused. Returns the new soft limit.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit");
            None
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets open connections finish
/// for at most `limits.drain`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read).keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.idle / 2))
        .keep_alive_timeout(limits.header_read);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let refused = AtomicU64::new(0);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors (EMFILE) or a reset before accept: waiting a moment
                    // beats a busy loop, and the listener stays open.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Log the first refusal and then one in a thousand, not a line per connection.
            if refused.fetch_add(1, Ordering::Relaxed).is_multiple_of(1000) {
                tracing::warn!(%peer, max = limits.max_connections, "connection cap reached: connection closed");
            }
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle));
        // The peer's address rides along for handlers that count per client (sign-in).
        let service = TowerToHyperService::new(app.clone().map_request(move |r: Request<Incoming>| {
            let mut r = r.map(Body::new);
            r.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            r
        }));
        let conn = graceful.watch(builder.serve_connection_with_upgrades(io, service).into_owned());
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain) => tracing::warn!("connections still open after the drain period were cut"),
    }
    Ok(())
}

/// A stream that fails with `TimedOut` once neither side has moved a byte for `idle`:
/// hyper's own timer covers request headers only, not a keep-alive connection left open.
struct IdleTimeout {
    inner: TcpStream,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    last_reset: Instant,
}

impl IdleTimeout {
    fn new(inner: TcpStream, idle: Duration) -> Self {
        IdleTimeout { inner, idle, deadline: Box::pin(tokio::time::sleep(idle)), last_reset: Instant::now() }
    }

    fn touch(&mut self) {
        // Resetting a timer on every read and write costs a little; once a second is enough.
        let now = Instant::now();
        if now.duration_since(self.last_reset) >= Duration::from_secs(1) {
            self.last_reset = now;
            self.deadline.as_mut().reset((now + self.idle).into());
        }
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }

    /// What a write of the inner stream answered, seen by the idle clock: a byte written
    /// resets it, and a write still pending past the deadline fails.
    fn wrote(&mut self, cx: &mut Context<'_>, written: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        match written {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.touch();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle too long")
}

impl AsyncRead for IdleTimeout {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for IdleTimeout {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(cx, written)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
