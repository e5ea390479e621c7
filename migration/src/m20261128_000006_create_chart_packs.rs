use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Generated chart packs: one row per pack day (a re-run replaces it), the file kept under
/// the data directory, and what it was made from.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChartPacks::Table)
                    .if_not_exists()
                    .col(pk_auto(ChartPacks::Id))
                    .col(date(ChartPacks::PackDate).unique_key())
                    .col(timestamp_with_time_zone(ChartPacks::CreatedAt))
                    // Relative to the data directory, so a moved data directory still works.
                    .col(string(ChartPacks::Path))
                    .col(big_integer(ChartPacks::Bytes))
                    .col(integer(ChartPacks::Pages))
                    .col(integer(ChartPacks::RenderMs))
                    // The newest observation any page used.
                    .col(date_null(ChartPacks::DataAsOf))
                    .col(boolean(ChartPacks::Demo))
                    // Pages drawn "no data yet", comma-separated numbers.
                    .col(string(ChartPacks::MissingPages))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ChartPacks::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ChartPacks {
    Table,
    Id,
    PackDate,
    CreatedAt,
    Path,
    Bytes,
    Pages,
    RenderMs,
    DataAsOf,
    Demo,
    MissingPages,
}
