//! The sea-orm entities, one module a table.

/// A venture table: an `id`, the table's own columns, and last where the row came from
/// (`source`, `source_id`, `fetched_at`), which every venture writer sets and which an
/// upsert compares apart from the data. A `keyed` table also has the unique `key` the
/// upserts of `venture::upsert` write it by, after its `id`. Declared once here, as the
/// upserts read these columns of every such table.
macro_rules! venture_table {
    ($table:tt, keyed { $($columns:tt)* }) => {
        venture_table!($table {
            #[sea_orm(unique)]
            pub key: String,
            $($columns)*
        });
    };
    ($table:tt { $($columns:tt)* }) => {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = $table)]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            $($columns)*
            pub source: String,
            pub source_id: String,
            pub fetched_at: DateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod acquisitions;
pub mod admin_password;
pub mod admin_sessions;
pub mod chart_packs;
pub mod companies;
pub mod edgar_filings;
pub mod fund_cash_flows;
pub mod fund_holdings;
pub mod funding_monthly;
pub mod funding_rounds;
pub mod funds;
pub mod investors;
pub mod ipo_events;
pub mod ipo_filings;
pub mod job_runs;
pub mod observations;
pub mod round_investors;
pub mod series;
pub mod series_health;
pub mod signals;
pub mod source_health;
pub mod valuations;
