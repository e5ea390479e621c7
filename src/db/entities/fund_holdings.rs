//! A fund's position in a company: cost, realized and unrealized value at a date.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_holdings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub fund_id: i32,
    pub company_id: i32,
    #[sea_orm(column_type = "Double")]
    pub invested: f64,
    #[sea_orm(column_type = "Double")]
    pub realized: f64,
    #[sea_orm(column_type = "Double")]
    pub unrealized: f64,
    pub as_of: Date,
    pub source: String,
    pub source_id: String,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
