use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An IPO pipeline entry's offering terms, as the newest registration statement or
/// prospectus that states any of them says: the price range (or the set price, low = high),
/// the shares offered and the offering's size in USD, and which filing they come from.
/// All nullable: a filing that states no term, or whose document could not be read, leaves
/// them unknown. One column per statement: SQLite alters a table one change at a time.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            double_null(IpoFilings::PriceLow),
            double_null(IpoFilings::PriceHigh),
            big_integer_null(IpoFilings::SharesOffered),
            double_null(IpoFilings::OfferingAmount),
            string_null(IpoFilings::TermsForm),
            string_null(IpoFilings::TermsAccession),
            date_null(IpoFilings::TermsFiledOn),
        ] {
            let mut col = col;
            manager.alter_table(Table::alter().table(IpoFilings::Table).add_column(&mut col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            IpoFilings::PriceLow,
            IpoFilings::PriceHigh,
            IpoFilings::SharesOffered,
            IpoFilings::OfferingAmount,
            IpoFilings::TermsForm,
            IpoFilings::TermsAccession,
            IpoFilings::TermsFiledOn,
        ] {
            manager.alter_table(Table::alter().table(IpoFilings::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum IpoFilings {
    Table,
    PriceLow,
    PriceHigh,
    SharesOffered,
    OfferingAmount,
    TermsForm,
    TermsAccession,
    TermsFiledOn,
}
