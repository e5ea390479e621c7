//! An investor named on a round (imports only: Form D names no investors).
use sea_orm::entity::prelude::*;

venture_table!("investors", keyed {
    pub name: String,
    pub kind: String,
    pub website: Option<String>,
    pub city: Option<String>,
});
