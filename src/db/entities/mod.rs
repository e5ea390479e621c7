//! sea-orm entities, one per table, in the shape `sea-orm-cli generate entity` writes.
//! Queries live in the domain services, not here.
pub mod job_runs;
pub mod observations;
pub mod series;
