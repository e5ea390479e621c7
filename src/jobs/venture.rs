//! The venture jobs, wired to the runner: `vc_sync`, `ipo_monitor` and `venture_backfill`
//! walk EDGAR's daily indexes (`ingest::edgar`); `funding_tracker` recomputes the funding
//! aggregates and notable flags (`venture::tracker`). `quarry vc-backfill` runs the
//! backfill in the foreground (`cli/backfill.rs`).
use chrono::Utc;

use super::kind::JobKind;
use super::model::{JobOutcome, Progress};
use super::runner::JobContext;
use crate::ingest::edgar::{self as sync, Sink, Tally};

impl Sink for JobContext {
    async fn report(&self, done: usize, total: usize, current: String, rows: u64) {
        JobContext::report(self, Progress { done, total, current, rows }).await
    }
}

impl From<Tally> for JobOutcome {
    fn from(t: Tally) -> Self {
        JobOutcome { items: t.items, rows_written: t.rows_written, failures: t.failures }
    }
}

pub async fn run(ctx: &JobContext, kind: &JobKind) -> anyhow::Result<JobOutcome> {
    let state = &ctx.state;
    let (db, edgar) = (&state.db, &state.sources.edgar);
    let notable = state.config.venture.notable_round_usd;
    let recent = sync::recent_days(Utc::now().date_naive(), sync::RECENT_DAYS);
    match kind {
        JobKind::VcSync => sync::vc_sync(db, edgar, &recent, notable, ctx).await.map(JobOutcome::from),
        JobKind::IpoMonitor => sync::ipo_monitor(db, edgar, &recent, ctx).await.map(JobOutcome::from),
        JobKind::VentureBackfill { from, to } => {
            sync::backfill(db, edgar, *from, *to, notable, ctx).await.map(JobOutcome::from)
        }
        JobKind::FundingTracker => {
            let t = crate::venture::tracker::run(db, notable, Utc::now()).await?;
            tracing::info!(months = t.months, rows = t.rows, notable = t.notable, "funding aggregates recomputed");
            Ok(JobOutcome { items: t.months, rows_written: t.rows, failures: vec![] })
        }
        other => anyhow::bail!("{} is not a venture job", other.name()),
    }
}
