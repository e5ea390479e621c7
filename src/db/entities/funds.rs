//! A venture fund: from a Form D of a pooled "Venture Capital Fund", an import or the demo.
use sea_orm::entity::prelude::*;

venture_table!("funds", keyed {
    pub cik: Option<i64>,
    pub name: String,
    pub manager_id: Option<i32>,
    pub vintage: Option<i32>,
    #[sea_orm(column_type = "Double", nullable)]
    pub target_size: Option<f64>,
    pub target_indefinite: bool,
    #[sea_orm(column_type = "Double", nullable)]
    pub amount_raised: Option<f64>,
    pub investor_count: Option<i32>,
    pub strategy: String,
    pub state: Option<String>,
    pub currency: String,
    pub accession: Option<String>,
});
