//! A company: from a Form D issuer, EDGAR submissions, an import or the demo.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub cik: Option<i64>,
    pub name: String,
    pub name_key: String,
    pub sector: String,
    pub state: Option<String>,
    pub city: Option<String>,
    pub jurisdiction: Option<String>,
    pub year_of_inc: Option<i32>,
    pub sic: Option<i32>,
    pub industry_group: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub tickers: Option<String>,
    pub source: String,
    pub source_id: String,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
