//! A company valuation at a date (imports and demo: EDGAR gives none).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "valuations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub company_id: i32,
    pub round_id: Option<i32>,
    pub valued_on: Date,
    #[sea_orm(column_type = "Double", nullable)]
    pub pre_money: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub post_money: f64,
    pub basis: String,
    pub currency: String,
    pub source: String,
    pub source_id: String,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
