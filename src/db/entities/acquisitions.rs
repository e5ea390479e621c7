//! An acquisition: from S-4, DEFM14A, SC TO-T and 8-K filings at index level, or imported.
use sea_orm::entity::prelude::*;

venture_table!("acquisitions", keyed {
    pub acquirer_id: Option<i32>,
    pub acquirer_name: Option<String>,
    pub target_id: Option<i32>,
    pub target_name: Option<String>,
    pub announced_on: Date,
    pub closed_on: Option<Date>,
    #[sea_orm(column_type = "Double", nullable)]
    pub price: Option<f64>,
    pub status: String,
    pub sector: String,
    pub form_type: String,
    pub accession: Option<String>,
    pub last_filing_on: Option<Date>,
});
