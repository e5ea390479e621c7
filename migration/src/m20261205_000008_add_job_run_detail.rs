use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What a run produced beyond its status and error line, as JSON: an import's summary per
/// table, or every bad row of a refused file. Read by the import's status endpoint, so
/// every replica can answer it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(JobRuns::Table).add_column(text_null(JobRuns::Detail)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(JobRuns::Table).drop_column(JobRuns::Detail).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Detail,
}
