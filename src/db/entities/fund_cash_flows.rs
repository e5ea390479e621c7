//! A fund's dated cash flow seen from its limited partners: calls negative, distributions positive; `nav` rows hold the residual value at a date.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_cash_flows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub fund_id: i32,
    pub flow_date: Date,
    pub kind: String,
    #[sea_orm(column_type = "Double")]
    pub amount: f64,
    pub source: String,
    pub source_id: String,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
