//! A fund's position in a company: cost, realized and unrealized value at a date.
use sea_orm::entity::prelude::*;

venture_table!("fund_holdings" {
    pub fund_id: i32,
    pub company_id: i32,
    #[sea_orm(column_type = "Double")]
    pub invested: f64,
    #[sea_orm(column_type = "Double")]
    pub realized: f64,
    #[sea_orm(column_type = "Double")]
    pub unrealized: f64,
    pub as_of: Date,
});
