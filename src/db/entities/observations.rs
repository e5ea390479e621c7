use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "observations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub series_id: i32,
    pub date: Date,
    #[sea_orm(column_type = "Double")]
    pub value: f64,
    #[sea_orm(column_type = "Double", nullable)]
    pub open: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub high: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub low: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub volume: Option<f64>,
    pub source: String,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::series::Entity",
        from = "Column::SeriesId",
        to = "super::series::Column::Id",
        on_delete = "Cascade"
    )]
    Series,
}

impl Related<super::series::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Series.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
