//! The status history of a pipeline entry: one row per filing.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ipo_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub ipo_id: i32,
    pub form: String,
    pub filed_on: Date,
    #[sea_orm(unique)]
    pub accession: String,
    pub status: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
