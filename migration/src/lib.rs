//! Schema migrations for Quarry. One file per change, named `mYYYYMMDD_HHMMSS_verb_noun.rs`.
//! The same migrations run on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_series;
mod m20261128_000002_create_observations;
mod m20261128_000003_create_job_runs;
mod m20261128_000004_create_health;
mod m20261128_000005_create_signals;
mod m20261128_000006_create_chart_packs;
mod m20261128_000007_create_venture;
mod m20261205_000008_add_job_run_detail;
mod m20261205_000009_add_ipo_terms;
mod m20261206_000010_create_admin_sessions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_series::Migration),
            Box::new(m20261128_000002_create_observations::Migration),
            Box::new(m20261128_000003_create_job_runs::Migration),
            Box::new(m20261128_000004_create_health::Migration),
            Box::new(m20261128_000005_create_signals::Migration),
            Box::new(m20261128_000006_create_chart_packs::Migration),
            Box::new(m20261128_000007_create_venture::Migration),
            Box::new(m20261205_000008_add_job_run_detail::Migration),
            Box::new(m20261205_000009_add_ipo_terms::Migration),
            Box::new(m20261206_000010_create_admin_sessions::Migration),
        ]
    }
}
