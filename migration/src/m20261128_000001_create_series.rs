use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Series::Table)
                    .if_not_exists()
                    .col(pk_auto(Series::Id))
                    .col(string(Series::Kind))
                    .col(string_uniq(Series::Slug))
                    .col(string(Series::Name))
                    .col(string(Series::GroupSlug))
                    .col(string(Series::Unit))
                    .col(string(Series::Frequency))
                    // The primary source; the ordered fallbacks live in the universe file.
                    .col(string(Series::Provider))
                    .col(string(Series::ProviderCode))
                    .col(boolean(Series::IsProxy))
                    .col(string(Series::Licence))
                    .col(integer(Series::Position))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Series::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Series {
    Table,
    Id,
    Kind,
    Slug,
    Name,
    GroupSlug,
    Unit,
    Frequency,
    Provider,
    ProviderCode,
    IsProxy,
    Licence,
    Position,
}
