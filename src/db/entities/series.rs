use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub group_slug: String,
    pub unit: String,
    pub frequency: String,
    pub provider: String,
    pub provider_code: String,
    pub is_proxy: bool,
    pub licence: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::observations::Entity")]
    Observations,
}

impl Related<super::observations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Observations.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
