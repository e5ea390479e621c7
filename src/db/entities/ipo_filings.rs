//! One company's way through the IPO pipeline: S-1/F-1 filed, amended, priced (424B4) or withdrawn (RW).
use sea_orm::entity::prelude::*;

venture_table!("ipo_filings", keyed {
    pub cik: Option<i64>,
    pub company_id: Option<i32>,
    pub company_name: String,
    pub sector: String,
    pub form: String,
    pub status: String,
    pub filed_on: Date,
    pub last_event_on: Date,
    pub priced_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    pub amendments: i32,
    pub accession: String,
    /// Offering terms (USD a share, low = high once priced; shares; USD in all) from the
    /// newest filing whose document states any, named by the three `terms_*` columns.
    pub price_low: Option<f64>,
    pub price_high: Option<f64>,
    pub shares_offered: Option<i64>,
    pub offering_amount: Option<f64>,
    pub terms_form: Option<String>,
    pub terms_accession: Option<String>,
    pub terms_filed_on: Option<Date>,
});
