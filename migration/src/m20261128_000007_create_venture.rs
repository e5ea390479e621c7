use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The seven venture models and their provenance. Every row says where it came from
/// (`source`: `edgar`, `import` or `demo`; `source_id`: the accession number, or the
/// import file and line) and when (`fetched_at`). Rows are keyed by a stable natural
/// `key` (e.g. `cik:1318605`, `edgar:0001544190-19-000002`, `import:acme-inc`), which is
/// what makes a second sync or a re-import write nothing.
///
/// Funding rounds carry their company's sector and state as well, so the landscape and
/// the filtered funding table read one table and its indexes, even at a million rows.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Companies::Table)
                .if_not_exists()
                .col(pk_auto(Companies::Id))
                .col(string(Companies::Key).unique_key())
                .col(big_integer_null(Companies::Cik))
                .col(string(Companies::Name))
                // Lower-cased name, for search by name.
                .col(string(Companies::NameKey))
                .col(string(Companies::Sector))
                .col(string_null(Companies::State))
                .col(string_null(Companies::City))
                .col(string_null(Companies::Jurisdiction))
                .col(integer_null(Companies::YearOfInc))
                .col(integer_null(Companies::Sic))
                .col(string_null(Companies::IndustryGroup))
                .col(string_null(Companies::Website))
                .col(string_null(Companies::Description))
                .col(string_null(Companies::Tickers))
                .col(string(Companies::Source))
                .col(string(Companies::SourceId))
                .col(timestamp_with_time_zone(Companies::FetchedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("companies_cik").table(Companies::Table).col(Companies::Cik).to_owned())
            .await?;
        m.create_index(
            Index::create().name("companies_name_key").table(Companies::Table).col(Companies::NameKey).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Investors::Table)
                .if_not_exists()
                .col(pk_auto(Investors::Id))
                .col(string(Investors::Key).unique_key())
                .col(string(Investors::Name))
                // venture capital, corporate, angel, accelerator, growth, other
                .col(string(Investors::Kind))
                .col(string_null(Investors::Website))
                .col(string_null(Investors::City))
                .col(string(Investors::Source))
                .col(string(Investors::SourceId))
                .col(timestamp_with_time_zone(Investors::FetchedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(FundingRounds::Table)
                .if_not_exists()
                .col(pk_auto(FundingRounds::Id))
                .col(string(FundingRounds::Key).unique_key())
                .col(integer(FundingRounds::CompanyId))
                .col(date(FundingRounds::AnnouncedOn))
                .col(date_null(FundingRounds::FirstSaleOn))
                .col(boolean(FundingRounds::FirstSaleYetToOccur))
                // seed, series_a, ... or `unstated` (Form D never says).
                .col(string(FundingRounds::Stage))
                .col(string(FundingRounds::Sector))
                .col(string_null(FundingRounds::State))
                // NULL with `offering_indefinite` when the form reads "Indefinite".
                .col(double_null(FundingRounds::AmountOffered))
                .col(boolean(FundingRounds::OfferingIndefinite))
                .col(double_null(FundingRounds::AmountSold))
                .col(double_null(FundingRounds::AmountRemaining))
                .col(integer_null(FundingRounds::InvestorCount))
                .col(double_null(FundingRounds::MinimumInvestment))
                .col(string(FundingRounds::Currency))
                // D, D/A (the figures are the amendment's) or `import`.
                .col(string(FundingRounds::FormType))
                // The filing whose figures are shown, and the original it amends.
                .col(string_null(FundingRounds::Accession))
                .col(string_null(FundingRounds::OriginalAccession))
                .col(boolean(FundingRounds::Notable))
                .col(string(FundingRounds::Source))
                .col(string(FundingRounds::SourceId))
                .col(timestamp_with_time_zone(FundingRounds::FetchedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FundingRounds::Table, FundingRounds::CompanyId)
                        .to(Companies::Table, Companies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("funding_rounds_announced", vec![FundingRounds::AnnouncedOn]),
            ("funding_rounds_sector_announced", vec![FundingRounds::Sector, FundingRounds::AnnouncedOn]),
            ("funding_rounds_company", vec![FundingRounds::CompanyId]),
            ("funding_rounds_amount", vec![FundingRounds::AmountSold]),
            ("funding_rounds_accession", vec![FundingRounds::OriginalAccession]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(FundingRounds::Table);
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(RoundInvestors::Table)
                .if_not_exists()
                .col(integer(RoundInvestors::RoundId))
                .col(integer(RoundInvestors::InvestorId))
                .col(boolean(RoundInvestors::IsLead))
                .primary_key(Index::create().col(RoundInvestors::RoundId).col(RoundInvestors::InvestorId))
                .foreign_key(
                    ForeignKey::create()
                        .from(RoundInvestors::Table, RoundInvestors::RoundId)
                        .to(FundingRounds::Table, FundingRounds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RoundInvestors::Table, RoundInvestors::InvestorId)
                        .to(Investors::Table, Investors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("round_investors_investor")
                .table(RoundInvestors::Table)
                .col(RoundInvestors::InvestorId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Acquisitions::Table)
                .if_not_exists()
                .col(pk_auto(Acquisitions::Id))
                .col(string(Acquisitions::Key).unique_key())
                .col(integer_null(Acquisitions::AcquirerId))
                .col(string_null(Acquisitions::AcquirerName))
                .col(integer_null(Acquisitions::TargetId))
                .col(string_null(Acquisitions::TargetName))
                .col(date(Acquisitions::AnnouncedOn))
                .col(date_null(Acquisitions::ClosedOn))
                .col(double_null(Acquisitions::Price))
                // announced, pending, completed, withdrawn
                .col(string(Acquisitions::Status))
                .col(string(Acquisitions::Sector))
                // S-4, DEFM14A, SC TO-T, 8-K or `import`
                .col(string(Acquisitions::FormType))
                .col(string_null(Acquisitions::Accession))
                .col(date_null(Acquisitions::LastFilingOn))
                .col(string(Acquisitions::Source))
                .col(string(Acquisitions::SourceId))
                .col(timestamp_with_time_zone(Acquisitions::FetchedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Valuations::Table)
                .if_not_exists()
                .col(pk_auto(Valuations::Id))
                .col(string(Valuations::Key).unique_key())
                .col(integer(Valuations::CompanyId))
                .col(integer_null(Valuations::RoundId))
                .col(date(Valuations::ValuedOn))
                .col(double_null(Valuations::PreMoney))
                .col(double(Valuations::PostMoney))
                // post-money (round), 409A, secondary, mark
                .col(string(Valuations::Basis))
                .col(string(Valuations::Currency))
                .col(string(Valuations::Source))
                .col(string(Valuations::SourceId))
                .col(timestamp_with_time_zone(Valuations::FetchedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Valuations::Table, Valuations::CompanyId)
                        .to(Companies::Table, Companies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Funds::Table)
                .if_not_exists()
                .col(pk_auto(Funds::Id))
                .col(string(Funds::Key).unique_key())
                .col(big_integer_null(Funds::Cik))
                .col(string(Funds::Name))
                .col(integer_null(Funds::ManagerId))
                .col(integer_null(Funds::Vintage))
                .col(double_null(Funds::TargetSize))
                .col(boolean(Funds::TargetIndefinite))
                .col(double_null(Funds::AmountRaised))
                .col(integer_null(Funds::InvestorCount))
                .col(string(Funds::Strategy))
                .col(string_null(Funds::State))
                .col(string(Funds::Currency))
                .col(string_null(Funds::Accession))
                .col(string(Funds::Source))
                .col(string(Funds::SourceId))
                .col(timestamp_with_time_zone(Funds::FetchedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(FundCashFlows::Table)
                .if_not_exists()
                .col(pk_auto(FundCashFlows::Id))
                .col(integer(FundCashFlows::FundId))
                .col(date(FundCashFlows::FlowDate))
                // call (paid in, stored negative), distribution (positive), nav (the
                // residual value at that date, positive)
                .col(string(FundCashFlows::Kind))
                .col(double(FundCashFlows::Amount))
                .col(string(FundCashFlows::Source))
                .col(string(FundCashFlows::SourceId))
                .col(timestamp_with_time_zone(FundCashFlows::FetchedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FundCashFlows::Table, FundCashFlows::FundId)
                        .to(Funds::Table, Funds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("fund_cash_flows_unique")
                .table(FundCashFlows::Table)
                .col(FundCashFlows::FundId)
                .col(FundCashFlows::FlowDate)
                .col(FundCashFlows::Kind)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(FundHoldings::Table)
                .if_not_exists()
                .col(pk_auto(FundHoldings::Id))
                .col(integer(FundHoldings::FundId))
                .col(integer(FundHoldings::CompanyId))
                .col(double(FundHoldings::Invested))
                .col(double(FundHoldings::Realized))
                .col(double(FundHoldings::Unrealized))
                .col(date(FundHoldings::AsOf))
                .col(string(FundHoldings::Source))
                .col(string(FundHoldings::SourceId))
                .col(timestamp_with_time_zone(FundHoldings::FetchedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FundHoldings::Table, FundHoldings::FundId)
                        .to(Funds::Table, Funds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(FundHoldings::Table, FundHoldings::CompanyId)
                        .to(Companies::Table, Companies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("fund_holdings_unique")
                .table(FundHoldings::Table)
                .col(FundHoldings::FundId)
                .col(FundHoldings::CompanyId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IpoFilings::Table)
                .if_not_exists()
                .col(pk_auto(IpoFilings::Id))
                .col(string(IpoFilings::Key).unique_key())
                .col(big_integer_null(IpoFilings::Cik))
                .col(integer_null(IpoFilings::CompanyId))
                .col(string(IpoFilings::CompanyName))
                .col(string(IpoFilings::Sector))
                // S-1 or F-1: the registration form that opened the pipeline entry.
                .col(string(IpoFilings::Form))
                // filed, amended, priced, withdrawn
                .col(string(IpoFilings::Status))
                .col(date(IpoFilings::FiledOn))
                .col(date(IpoFilings::LastEventOn))
                .col(date_null(IpoFilings::PricedOn))
                .col(date_null(IpoFilings::WithdrawnOn))
                .col(integer(IpoFilings::Amendments))
                .col(string(IpoFilings::Accession))
                .col(string(IpoFilings::Source))
                .col(string(IpoFilings::SourceId))
                .col(timestamp_with_time_zone(IpoFilings::FetchedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ipo_filings_status").table(IpoFilings::Table).col(IpoFilings::Status).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IpoEvents::Table)
                .if_not_exists()
                .col(pk_auto(IpoEvents::Id))
                .col(integer(IpoEvents::IpoId))
                .col(string(IpoEvents::Form))
                .col(date(IpoEvents::FiledOn))
                .col(string(IpoEvents::Accession).unique_key())
                // The pipeline status this filing moved the entry to.
                .col(string(IpoEvents::Status))
                .foreign_key(
                    ForeignKey::create()
                        .from(IpoEvents::Table, IpoEvents::IpoId)
                        .to(IpoFilings::Table, IpoFilings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        // Every EDGAR filing a sync looked at, once: what it became, or why it could not
        // be stored. This is the per-filing error record, and the reason a second sync
        // writes nothing.
        m.create_table(
            Table::create()
                .table(EdgarFilings::Table)
                .if_not_exists()
                .col(string(EdgarFilings::Accession).primary_key())
                .col(string(EdgarFilings::Form))
                .col(big_integer(EdgarFilings::Cik))
                .col(string(EdgarFilings::CompanyName))
                .col(date(EdgarFilings::FiledOn))
                // stored, error
                .col(string(EdgarFilings::Status))
                .col(string_null(EdgarFilings::Error))
                .col(timestamp_with_time_zone(EdgarFilings::ProcessedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("edgar_filings_filed")
                .table(EdgarFilings::Table)
                .col(EdgarFilings::FiledOn)
                .col(EdgarFilings::Form)
                .to_owned(),
        )
        .await?;

        // What `funding_tracker` computes: rounds and dollars by month, sector and stage.
        // The landscape reads this, not a million rounds.
        m.create_table(
            Table::create()
                .table(FundingMonthly::Table)
                .if_not_exists()
                .col(date(FundingMonthly::Month))
                .col(string(FundingMonthly::Sector))
                .col(string(FundingMonthly::Stage))
                .col(big_integer(FundingMonthly::Rounds))
                .col(double(FundingMonthly::AmountSold))
                // Rounds whose amount sold is known (the rest say nothing about dollars).
                .col(big_integer(FundingMonthly::RoundsWithAmount))
                .col(boolean(FundingMonthly::Demo))
                .col(timestamp_with_time_zone(FundingMonthly::ComputedAt))
                .primary_key(
                    Index::create().col(FundingMonthly::Month).col(FundingMonthly::Sector).col(FundingMonthly::Stage),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            FundingMonthly::Table.into_iden(),
            EdgarFilings::Table.into_iden(),
            IpoEvents::Table.into_iden(),
            IpoFilings::Table.into_iden(),
            FundHoldings::Table.into_iden(),
            FundCashFlows::Table.into_iden(),
            Funds::Table.into_iden(),
            Valuations::Table.into_iden(),
            Acquisitions::Table.into_iden(),
            RoundInvestors::Table.into_iden(),
            FundingRounds::Table.into_iden(),
            Investors::Table.into_iden(),
            Companies::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Key,
    Cik,
    Name,
    NameKey,
    Sector,
    State,
    City,
    Jurisdiction,
    YearOfInc,
    Sic,
    IndustryGroup,
    Website,
    Description,
    Tickers,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Investors {
    Table,
    Id,
    Key,
    Name,
    Kind,
    Website,
    City,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum FundingRounds {
    Table,
    Id,
    Key,
    CompanyId,
    AnnouncedOn,
    FirstSaleOn,
    FirstSaleYetToOccur,
    Stage,
    Sector,
    State,
    AmountOffered,
    OfferingIndefinite,
    AmountSold,
    AmountRemaining,
    InvestorCount,
    MinimumInvestment,
    Currency,
    FormType,
    Accession,
    OriginalAccession,
    Notable,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum RoundInvestors {
    Table,
    RoundId,
    InvestorId,
    IsLead,
}

#[derive(DeriveIden)]
enum Acquisitions {
    Table,
    Id,
    Key,
    AcquirerId,
    AcquirerName,
    TargetId,
    TargetName,
    AnnouncedOn,
    ClosedOn,
    Price,
    Status,
    Sector,
    FormType,
    Accession,
    LastFilingOn,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Valuations {
    Table,
    Id,
    Key,
    CompanyId,
    RoundId,
    ValuedOn,
    PreMoney,
    PostMoney,
    Basis,
    Currency,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Funds {
    Table,
    Id,
    Key,
    Cik,
    Name,
    ManagerId,
    Vintage,
    TargetSize,
    TargetIndefinite,
    AmountRaised,
    InvestorCount,
    Strategy,
    State,
    Currency,
    Accession,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum FundCashFlows {
    Table,
    Id,
    FundId,
    FlowDate,
    Kind,
    Amount,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum FundHoldings {
    Table,
    Id,
    FundId,
    CompanyId,
    Invested,
    Realized,
    Unrealized,
    AsOf,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum IpoFilings {
    Table,
    Id,
    Key,
    Cik,
    CompanyId,
    CompanyName,
    Sector,
    Form,
    Status,
    FiledOn,
    LastEventOn,
    PricedOn,
    WithdrawnOn,
    Amendments,
    Accession,
    Source,
    SourceId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum IpoEvents {
    Table,
    Id,
    IpoId,
    Form,
    FiledOn,
    Accession,
    Status,
}

#[derive(DeriveIden)]
enum EdgarFilings {
    Table,
    Accession,
    Form,
    Cik,
    CompanyName,
    FiledOn,
    Status,
    Error,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum FundingMonthly {
    Table,
    Month,
    Sector,
    Stage,
    Rounds,
    AmountSold,
    RoundsWithAmount,
    Demo,
    ComputedAt,
}
