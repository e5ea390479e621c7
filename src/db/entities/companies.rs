//! A company: from a Form D issuer, EDGAR submissions, an import or the demo.
use sea_orm::entity::prelude::*;

venture_table!("companies", keyed {
    pub cik: Option<i64>,
    pub name: String,
    pub name_key: String,
    pub sector: String,
    pub state: Option<String>,
    pub city: Option<String>,
    pub jurisdiction: Option<String>,
    pub year_of_inc: Option<i32>,
    pub sic: Option<i32>,
    pub industry_group: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub tickers: Option<String>,
});
