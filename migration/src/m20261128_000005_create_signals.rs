use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Pre-computed signals, one row per series and date, so pages read and never compute on
/// the request path. `state` carries what the recursive indicators (EMA, MACD signal,
/// Wilder RSI) need to continue, so a new day extends the series without recomputing it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Signals::Table)
            .if_not_exists()
            .col(big_pk_auto(Signals::Id))
            .col(integer(Signals::SeriesId))
            .col(date(Signals::Date))
            .col(double(Signals::Close));
        for c in [
            Signals::Sma20,
            Signals::Sma50,
            Signals::Sma200,
            Signals::Ema12,
            Signals::Ema26,
            Signals::Macd,
            Signals::MacdSignal,
            Signals::MacdHist,
            Signals::Rsi14,
            Signals::Roc1w,
            Signals::Roc1m,
            Signals::Roc3m,
            Signals::Roc1y,
            Signals::High52w,
            Signals::Low52w,
            Signals::PctFromHigh,
            Signals::PctFromLow,
            Signals::Vol20d,
            Signals::Zscore1y,
        ] {
            table.col(double_null(c));
        }
        table
            .col(string_null(Signals::Cross))
            .col(string(Signals::Stance))
            .col(text(Signals::State))
            .col(timestamp_with_time_zone(Signals::ComputedAt))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_signals_series")
                    .from(Signals::Table, Signals::SeriesId)
                    .to(Series::Table, Series::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(table.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_signals_series_date")
                    .table(Signals::Table)
                    .col(Signals::SeriesId)
                    .col(Signals::Date)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Signals::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Signals {
    Table,
    Id,
    SeriesId,
    Date,
    Close,
    Sma20,
    Sma50,
    Sma200,
    Ema12,
    Ema26,
    Macd,
    MacdSignal,
    MacdHist,
    Rsi14,
    #[sea_orm(iden = "roc_1w")]
    Roc1w,
    #[sea_orm(iden = "roc_1m")]
    Roc1m,
    #[sea_orm(iden = "roc_3m")]
    Roc3m,
    #[sea_orm(iden = "roc_1y")]
    Roc1y,
    #[sea_orm(iden = "high_52w")]
    High52w,
    #[sea_orm(iden = "low_52w")]
    Low52w,
    PctFromHigh,
    PctFromLow,
    #[sea_orm(iden = "vol_20d")]
    Vol20d,
    #[sea_orm(iden = "zscore_1y")]
    Zscore1y,
    Cross,
    Stance,
    State,
    ComputedAt,
}

#[derive(DeriveIden)]
enum Series {
    Table,
    Id,
}
