use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "chart_packs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub pack_date: Date,
    pub created_at: DateTimeUtc,
    pub path: String,
    pub bytes: i64,
    pub pages: i32,
    pub render_ms: i32,
    pub data_as_of: Option<Date>,
    pub demo: bool,
    pub missing_pages: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
