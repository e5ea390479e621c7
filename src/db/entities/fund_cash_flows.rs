//! A fund's dated cash flow seen from its limited partners: calls negative, distributions positive; `nav` rows hold the residual value at a date.
use sea_orm::entity::prelude::*;

venture_table!("fund_cash_flows" {
    pub fund_id: i32,
    pub flow_date: Date,
    pub kind: String,
    #[sea_orm(column_type = "Double")]
    pub amount: f64,
});
