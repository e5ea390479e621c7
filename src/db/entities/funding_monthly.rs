//! Rounds and dollars by month, sector and stage, as `funding_tracker` last computed them.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_monthly")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sector: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    pub rounds: i64,
    #[sea_orm(column_type = "Double")]
    pub amount_sold: f64,
    pub rounds_with_amount: i64,
    pub demo: bool,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
