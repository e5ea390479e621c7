use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_create_series::Series;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Observations::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Observations::Id))
                    .col(integer(Observations::SeriesId))
                    .col(date(Observations::Date))
                    .col(double(Observations::Value))
                    .col(double_null(Observations::Open))
                    .col(double_null(Observations::High))
                    .col(double_null(Observations::Low))
                    .col(double_null(Observations::Volume))
                    .col(string(Observations::Source))
                    .col(timestamp_with_time_zone(Observations::FetchedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observations_series")
                            .from(Observations::Table, Observations::SeriesId)
                            .to(Series::Table, Series::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Every read is "this series, a date range" and every write an upsert on this pair,
        // so the unique index doubles as the range index.
        manager
            .create_index(
                Index::create()
                    .name("ux_observations_series_date")
                    .table(Observations::Table)
                    .col(Observations::SeriesId)
                    .col(Observations::Date)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Observations::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Observations {
    Table,
    Id,
    SeriesId,
    Date,
    Value,
    Open,
    High,
    Low,
    Volume,
    Source,
    FetchedAt,
}
