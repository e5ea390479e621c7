//! A company valuation at a date (imports and demo: EDGAR gives none).
use sea_orm::entity::prelude::*;

venture_table!("valuations", keyed {
    pub company_id: i32,
    pub round_id: Option<i32>,
    pub valued_on: Date,
    #[sea_orm(column_type = "Double", nullable)]
    pub pre_money: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub post_money: f64,
    pub basis: String,
    pub currency: String,
});
