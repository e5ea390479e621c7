//! `quarry backup` and `quarry restore` for the embedded SQLite database. A backup is taken
//! while the server runs (`VACUUM INTO`: one consistent snapshot, committed WAL pages
//! included, compacted) and checked before it is reported. A restore never destroys: the
//! database it replaces is moved aside next to it, and only a sound backup of a schema
//! this build knows is put in its place. PostgreSQL has its own tools; both commands say
//! which.
use std::path::{Path, PathBuf};

use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement};

/// What to use instead on PostgreSQL.
pub const POSTGRES_GUIDANCE: &str = "this database is PostgreSQL: back it up with pg_dump \
(pg_dump --format=custom --file quarry.dump \"$DATABASE_URL\") and restore into an empty \
database with pg_restore (pg_restore --no-owner --dbname \"$DATABASE_URL\" quarry.dump); \
quarry backup and restore copy SQLite files";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{POSTGRES_GUIDANCE}")]
    Postgres,
    #[error("{0} already exists: a backup never overwrites a file, name a new one")]
    Exists(PathBuf),
    #[error("{0} is not a Quarry backup: {1}")]
    Invalid(PathBuf, String),
    #[error("the database is open in process {0} (a running quarry serve?): stop it, then restore")]
    InUse(String),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// Writes a snapshot of the live database to `to`, a new file, and checks it. Returns its
/// size in bytes.
pub async fn backup(db: &DatabaseConnection, to: &Path) -> Result<u64, BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::Postgres);
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_path_buf()));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| BackupError::Io(dir.to_path_buf(), e))?;
    }
    let target = to.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await?;
    inspect(to).await?;
    std::fs::metadata(to).map(|m| m.len()).map_err(|e| BackupError::Io(to.to_path_buf(), e))
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// The files of the replaced database, moved aside (none when there was none).
    pub moved_aside: Vec<PathBuf>,
}

/// Puts the backup `from` in place of the SQLite database at `url`, once it is known to be
/// sound, of a schema this build knows, and no process holds the database open. The
/// database it replaces (with its WAL) is renamed `<file>.before-restore-<time>`.
pub async fn restore(url: &str, from: &Path, stamp: &str) -> Result<Restored, BackupError> {
    let Some(live) = super::sqlite_path(url).map(PathBuf::from) else { return Err(BackupError::Postgres) };
    inspect(from).await?;
    if let Some(pid) = holder(&live) {
        return Err(BackupError::InUse(pid));
    }
    let mut moved_aside = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", live.display()));
        if file.exists() {
            let aside = PathBuf::from(format!("{}.before-restore-{stamp}{suffix}", live.display()));
            std::fs::rename(&file, &aside).map_err(|e| BackupError::Io(file.clone(), e))?;
            moved_aside.push(aside);
        }
    }
    if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| BackupError::Io(dir.to_path_buf(), e))?;
    }
    // Copied under another name and renamed: the database file is whole or absent.
    let partial = PathBuf::from(format!("{}.restoring", live.display()));
    let io = |e| BackupError::Io(partial.clone(), e);
    std::fs::copy(from, &partial).map_err(io)?;
    std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&partial, &live).map_err(|e| BackupError::Io(live.clone(), e))?;
    Ok(Restored { moved_aside })
}

/// Checks that `file` is a sound SQLite database holding Quarry's schema at a version this
/// build knows (a backup from a newer Quarry would lose columns it has).
pub async fn inspect(file: &Path) -> Result<(), BackupError> {
    let invalid = |why: String| BackupError::Invalid(file.to_path_buf(), why);
    let head = std::fs::read(file).map_err(|e| BackupError::Io(file.to_path_buf(), e))?;
    if !head.starts_with(b"SQLite format 3\0") {
        return Err(invalid("not an SQLite database".into()));
    }
    let url = format!("sqlite://{}?mode=ro", file.display());
    let db = Database::connect(url.as_str()).await?;
    let result = async {
        let sql = |s: &str| Statement::from_string(DbBackend::Sqlite, s);
        let integrity = db.query_all_raw(sql("PRAGMA integrity_check")).await?;
        let lines: Vec<String> = integrity.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect();
        if lines.iter().any(|l| l != "ok") {
            return Ok(Err(invalid(format!("integrity check: {}", lines.join("; ")))));
        }
        let applied = match db.query_all_raw(sql("SELECT version FROM seaql_migrations")).await {
            Ok(rows) => rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect::<Vec<_>>(),
            Err(_) => return Ok(Err(invalid("it holds no Quarry schema (no seaql_migrations table)".into()))),
        };
        let known: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
            return Ok(Err(invalid(format!("it was made by a newer Quarry (migration {newer} is unknown here)"))));
        }
        Ok::<_, DbErr>(Ok(()))
    }
    .await;
    db.close().await.ok();
    result?
}

/// A process other than this one with `file` open, if any (Linux: its open files are under
/// /proc). A server holds the database open for as long as it runs.
fn holder(file: &Path) -> Option<String> {
    let want = std::fs::canonicalize(file).ok()?;
    let me = std::process::id().to_string();
    for proc_dir in std::fs::read_dir("/proc").ok()?.flatten() {
        let pid = proc_dir.file_name().to_string_lossy().to_string();
        if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(proc_dir.path().join("fd")) else { continue };
        if fds.flatten().any(|fd| std::fs::read_link(fd.path()).is_ok_and(|t| t == want)) {
            return Some(pid);
        }
    }
    None
}
