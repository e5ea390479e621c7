use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .if_not_exists()
                    .col(big_pk_auto(JobRuns::Id))
                    .col(string(JobRuns::Job))
                    // The scheduled slot (e.g. "2026-11-28T10:00:00Z"); "manual:<uuid>" for
                    // runs started by hand, which must never collide with a slot.
                    .col(string(JobRuns::Slot))
                    .col(timestamp_with_time_zone(JobRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(JobRuns::FinishedAt))
                    .col(string(JobRuns::Status))
                    .col(big_integer(JobRuns::RowsWritten))
                    .col(text_null(JobRuns::Error))
                    .col(double_null(JobRuns::Progress))
                    .col(string_null(JobRuns::Owner))
                    .to_owned(),
            )
            .await?;
        // The unique (job, slot) row is the lease: the replica whose insert wins runs the slot.
        manager
            .create_index(
                Index::create()
                    .name("ux_job_runs_job_slot")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_job_runs_job_started")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::StartedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(JobRuns::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum JobRuns {
    Table,
    Id,
    Job,
    Slot,
    StartedAt,
    FinishedAt,
    Status,
    RowsWritten,
    Error,
    Progress,
    Owner,
}
