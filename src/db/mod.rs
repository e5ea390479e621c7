//! Database connection and schema. Entities mirror the migrations and know no domain.
pub mod backup;
pub mod check;
pub mod entities;
pub mod lease;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// How long a SQLite connection waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a PostgreSQL connection. A healthy pool hands one over in
/// microseconds; waiting longer means the server is down or overloaded, and the request
/// answers 503 at once rather than after the 10 s that SQLite's writers may need.
pub const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Connects to `url`; for SQLite, creates the file's folder first, and every pooled
/// connection runs in WAL mode (page reads never wait for a job's write) with a busy
/// timeout, `synchronous=NORMAL` and foreign keys on.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(&path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbErr::Custom(format!("cannot create database folder {}: {e}", dir.display())))?;
            }
        }
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(10)).sqlx_logging(false);
    if sqlite_path(url).is_some() {
        // SQLite serialises writers; a handful of connections is plenty.
        opts.max_connections(8).min_connections(1);
        // Set on every connection the pool opens, not once on whichever connection runs a
        // statement first: a pooled connection without busy_timeout answers "database is
        // locked" at once instead of waiting its turn.
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    } else {
        // A PostgreSQL that stopped answering must cost a request an error page within
        // seconds, not a hang: connections are waited for this long at most.
        opts.max_connections(16).acquire_timeout(PG_ACQUIRE_TIMEOUT);
    }
    let db = Database::connect(opts).await?;
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at BEGIN
/// (`BEGIN IMMEDIATE`), where the busy timeout applies: a deferred transaction that reads
/// first and then writes fails at once with "database is locked" when another writer got
/// in between, because waiting could not make its snapshot current again. A BEGIN that
/// still finds the lock held past the busy timeout (a long import) is tried again after
/// a growing pause, so such writers queue instead of failing.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    use backon::{ExponentialBuilder, Retryable};

    if db.get_database_backend() != DbBackend::Sqlite {
        return db.begin().await;
    }
    let begin = || async {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        db.begin_with_options(options).await
    };
    begin
        .retry(ExponentialBuilder::default().with_min_delay(Duration::from_millis(100)).with_max_times(5))
        .when(is_busy)
        .notify(|e, pause| tracing::warn!(error = %e, ?pause, "the database is busy; waiting to write"))
        .await
}

/// SQLite's page cache for a connection. `Usual` is SQLite's default (2 MiB). A write
/// transaction larger than its cache spills dirty pages to the WAL and writes the same
/// pages again and again: a 10 MB import (a 64 MB database) made 450,000 page writes and
/// 140,000 reads with the usual cache, against one write per page with `Large`. The cache
/// grows only as pages are used.
#[derive(Debug, Clone, Copy)]
pub enum WriteCache {
    Usual,
    Large,
}

/// Sets the page cache of the transaction's connection (SQLite only; PostgreSQL manages
/// its own buffers).
pub async fn set_write_cache(txn: &DatabaseTransaction, cache: WriteCache) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;

    if txn.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    // Negative: a size in KiB.
    let kib = match cache {
        WriteCache::Usual => 2_000,
        WriteCache::Large => 256 * 1024,
    };
    txn.execute_unprepared(&format!("PRAGMA cache_size = -{kib}")).await.map(|_| ())
}

/// `true` for the errors that mean another writer held the database too long: worth
/// another try after a pause, unlike every other database error.
pub fn is_busy(e: &DbErr) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("database is busy") || text.contains("SQLITE_BUSY")
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// `true` when the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// The file of a SQLite URL (`None` for PostgreSQL or an in-memory database).
pub(crate) fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_path_is_read_from_the_url() {
        assert_eq!(sqlite_path("sqlite://data/quarry.db?mode=rwc").as_deref(), Some("data/quarry.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db").as_deref(), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/quarry"), None);
    }
}
