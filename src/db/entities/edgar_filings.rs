//! Every EDGAR filing a sync looked at, once: stored, or why not.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "edgar_filings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub accession: String,
    pub form: String,
    pub cik: i64,
    pub company_name: String,
    pub filed_on: Date,
    pub status: String,
    pub error: Option<String>,
    pub processed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
