//! Reading the job_runs record.
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::{JobRunView, JobView};
use super::scheduler::{catalogue, is_registered};
use crate::config::JobsConfig;
use crate::db::entities::job_runs;

const RECENT_RUNS: u64 = 5;

pub async fn list_jobs(db: &impl ConnectionTrait, config: &JobsConfig) -> Result<Vec<JobView>, DbErr> {
    let mut out = Vec::new();
    for (name, description, schedule) in catalogue(config) {
        let runs = job_runs::Entity::find()
            .filter(job_runs::Column::Job.eq(name))
            .order_by_desc(job_runs::Column::StartedAt)
            .limit(RECENT_RUNS)
            .all(db)
            .await?;
        out.push(JobView {
            name: name.to_string(),
            description: description.to_string(),
            schedule: schedule.to_string(),
            registered: is_registered(name),
            recent_runs: runs
                .into_iter()
                .map(|r| JobRunView {
                    slot: r.slot,
                    started_at: r.started_at,
                    finished_at: r.finished_at,
                    status: r.status,
                    rows_written: r.rows_written,
                    error: r.error,
                    progress: r.progress,
                })
                .collect(),
        });
    }
    Ok(out)
}
