//! A funding round: one Form D offering (its latest amendment's figures) or an imported round.
use sea_orm::entity::prelude::*;

venture_table!("funding_rounds", keyed {
    pub company_id: i32,
    pub announced_on: Date,
    pub first_sale_on: Option<Date>,
    pub first_sale_yet_to_occur: bool,
    pub stage: String,
    pub sector: String,
    pub state: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub amount_offered: Option<f64>,
    pub offering_indefinite: bool,
    #[sea_orm(column_type = "Double", nullable)]
    pub amount_sold: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub amount_remaining: Option<f64>,
    pub investor_count: Option<i32>,
    #[sea_orm(column_type = "Double", nullable)]
    pub minimum_investment: Option<f64>,
    pub currency: String,
    pub form_type: String,
    pub accession: Option<String>,
    pub original_accession: Option<String>,
    pub notable: bool,
});
