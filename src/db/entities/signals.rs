use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "signals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub series_id: i32,
    pub date: Date,
    #[sea_orm(column_type = "Double")]
    pub close: f64,
    #[sea_orm(column_type = "Double", nullable)]
    pub sma20: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub sma50: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub sma200: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub ema12: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub ema26: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub macd: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub macd_signal: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub macd_hist: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub rsi14: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub roc_1w: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub roc_1m: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub roc_3m: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub roc_1y: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub high_52w: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub low_52w: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub pct_from_high: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub pct_from_low: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub vol_20d: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub zscore_1y: Option<f64>,
    pub cross: Option<String>,
    pub stance: String,
    #[sea_orm(column_type = "Text")]
    pub state: String,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
