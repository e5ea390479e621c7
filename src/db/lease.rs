//! Leases on `job_runs` rows: a run of a (job, slot) is one row, inserted unless another
//! run (in this process or on another replica sharing the database) holds it, and closed
//! with its outcome. The scheduler's runs and the venture import's runs both take them.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::job_runs;

fn host() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into())
}

/// Who holds a lease: this process, for the record.
fn owner() -> String {
    format!("{}:{}", host(), std::process::id())
}

/// The runs recorded "running" by a process on this host that no longer exists (killed, or
/// the machine restarted): leases held by the dead, with the dead process's id. Runs of
/// other hosts, and of processes still alive here, are not judged.
pub async fn held_by_the_dead(db: &impl ConnectionTrait) -> Result<Vec<(job_runs::Model, String)>, DbErr> {
    let prefix = format!("{}:", host());
    let running = job_runs::Entity::find().filter(job_runs::Column::Status.eq("running")).all(db).await?;
    Ok(running
        .into_iter()
        .filter_map(|run| {
            let pid = run.owner.as_deref()?.strip_prefix(&prefix)?.to_string();
            let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
            (!alive).then_some((run, pid))
        })
        .collect())
}

/// Closes the records of runs held by the dead ([`held_by_the_dead`]), so the jobs page
/// does not follow them forever and their slots run again.
pub async fn close_abandoned_runs(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let dead = held_by_the_dead(db).await?;
    for (run, pid) in &dead {
        let error = format!("abandoned: process {pid} stopped before the run finished");
        finish(db, run.id, "abandoned", run.rows_written.max(0) as u64, Some(error)).await?;
        // Its rows were counted, if at all, by the process that wrote them.
        crate::metrics::job_run(&run.job, "abandoned", 0);
    }
    Ok(dead.len() as u64)
}

/// Closes the runs this process still holds as `interrupted`, with `reason`: the server
/// calls it when it stops cleanly (SIGTERM, Ctrl-C), whose runtime then drops the runs'
/// tasks. Left "running", they would be leases held by the dead for `quarry check` until
/// the next start called them abandoned. One conditional update, so a run that finishes
/// at the same moment keeps its own outcome.
pub async fn interrupt_own_runs(db: &impl ConnectionTrait, reason: &str) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    let closed = job_runs::Entity::update_many()
        .col_expr(job_runs::Column::Status, Expr::value("interrupted"))
        .col_expr(job_runs::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(job_runs::Column::Error, Expr::value(reason))
        .filter(job_runs::Column::Status.eq("running"))
        .filter(job_runs::Column::Owner.eq(owner()))
        .exec(db)
        .await?;
    Ok(closed.rows_affected)
}

/// Takes the lease on (job, slot): inserts the run row unless another run (here or on
/// another replica) already holds it. Returns the run's id when this caller won.
pub async fn acquire(
    db: &impl ConnectionTrait,
    job: &str,
    slot: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let row = job_runs::ActiveModel {
        job: Set(job.to_string()),
        slot: Set(slot.to_string()),
        started_at: Set(now),
        status: Set("running".into()),
        rows_written: Set(0),
        progress: Set(Some(0.0)),
        owner: Set(Some(owner())),
        ..Default::default()
    };
    let inserted = job_runs::Entity::insert(row)
        .on_conflict(OnConflict::columns([job_runs::Column::Job, job_runs::Column::Slot]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let run = job_runs::Entity::find()
        .filter(job_runs::Column::Job.eq(job))
        .filter(job_runs::Column::Slot.eq(slot))
        .one(db)
        .await?;
    Ok(run.map(|r| r.id))
}

/// Closes a run's record.
pub async fn finish(
    db: &impl ConnectionTrait,
    run_id: i64,
    status: &str,
    rows: u64,
    error: Option<String>,
) -> Result<(), DbErr> {
    let update = job_runs::ActiveModel {
        id: Set(run_id),
        finished_at: Set(Some(Utc::now())),
        status: Set(status.to_string()),
        rows_written: Set(rows as i64),
        error: Set(error.map(|e| truncate(&e, 4000))),
        progress: Set(Some(1.0)),
        ..Default::default()
    };
    job_runs::Entity::update(update).exec(db).await.map(|_| ())
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_errors_are_cut_at_a_character_boundary() {
        let s = "é".repeat(10);
        assert_eq!(truncate(&s, 5), "éé…");
    }
}
