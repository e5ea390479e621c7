use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Health of every feed (one provider and code, e.g. fred/DCOILWTICO) and of every series:
/// what the jobs page shows and where a stale marker finds its reason.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SourceHealth::Table)
                    .if_not_exists()
                    .col(pk_auto(SourceHealth::Id))
                    .col(string(SourceHealth::Provider))
                    .col(string(SourceHealth::Code))
                    .col(timestamp_with_time_zone_null(SourceHealth::LastAttemptAt))
                    .col(timestamp_with_time_zone_null(SourceHealth::LastSuccessAt))
                    .col(timestamp_with_time_zone_null(SourceHealth::LastErrorAt))
                    .col(text_null(SourceHealth::LastError))
                    .col(integer(SourceHealth::ConsecutiveFailures).default(0))
                    .col(big_integer(SourceHealth::LastRows).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_source_health_provider_code")
                    .table(SourceHealth::Table)
                    .col(SourceHealth::Provider)
                    .col(SourceHealth::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SeriesHealth::Table)
                    .if_not_exists()
                    .col(integer(SeriesHealth::SeriesId).primary_key())
                    .col(timestamp_with_time_zone(SeriesHealth::LastAttemptAt))
                    .col(timestamp_with_time_zone_null(SeriesHealth::LastSuccessAt))
                    // Set when the latest attempt failed on every source; cleared by a success.
                    .col(text_null(SeriesHealth::LastError))
                    .col(string_null(SeriesHealth::LastSource))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_series_health_series")
                            .from(SeriesHealth::Table, SeriesHealth::SeriesId)
                            .to(Series::Table, Series::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SeriesHealth::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SourceHealth::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum SourceHealth {
    Table,
    Id,
    Provider,
    Code,
    LastAttemptAt,
    LastSuccessAt,
    LastErrorAt,
    LastError,
    ConsecutiveFailures,
    LastRows,
}

#[derive(DeriveIden)]
pub enum SeriesHealth {
    Table,
    SeriesId,
    LastAttemptAt,
    LastSuccessAt,
    LastError,
    LastSource,
}

#[derive(DeriveIden)]
enum Series {
    Table,
    Id,
}
