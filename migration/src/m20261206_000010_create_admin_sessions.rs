use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The admin's sign-in: the password's argon2 hash (one row, set by `quarry admin
/// set-password`; an environment variable may hold it instead) and the sessions it opened.
/// Sessions live in the database so that they survive a restart and every replica honours
/// them. A session row holds the SHA-256 of its cookie value, never the value itself: a
/// copy of the database opens no session.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AdminPassword::Table)
                    .if_not_exists()
                    // Always 1: there is one admin.
                    .col(integer(AdminPassword::Id).primary_key())
                    .col(string(AdminPassword::Hash))
                    .col(timestamp_with_time_zone(AdminPassword::SetAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AdminSessions::Table)
                    .if_not_exists()
                    .col(string(AdminSessions::IdHash).primary_key())
                    .col(timestamp_with_time_zone(AdminSessions::CreatedAt))
                    .col(timestamp_with_time_zone(AdminSessions::LastSeenAt))
                    .col(timestamp_with_time_zone(AdminSessions::ExpiresAt))
                    // The client that signed in, for the operator's eyes only.
                    .col(string(AdminSessions::Client))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_admin_sessions_expires_at")
                    .table(AdminSessions::Table)
                    .col(AdminSessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AdminSessions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AdminPassword::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AdminPassword {
    Table,
    Id,
    Hash,
    SetAt,
}

#[derive(DeriveIden)]
enum AdminSessions {
    Table,
    IdHash,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Client,
}
