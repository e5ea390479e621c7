pub mod chart_packs;
pub mod job_runs;
pub mod observations;
pub mod series;
pub mod series_health;
pub mod signals;
pub mod source_health;
