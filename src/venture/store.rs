//! The one way venture rows are written, whoever writes them (the EDGAR sync, an import,
//! the demo seed): upsert by the row's natural key, and touch nothing when the row holds
//! the same data already. That is what makes a second sync or a re-import write nothing.
//! Provenance (`source_id`, `fetched_at`) is not "data": a row that differs only there is
//! left as it is, so its first provenance stays.
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter};

use crate::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_rounds, funds, investors, ipo_events,
    ipo_filings, round_investors, valuations,
};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
}

impl Change {
    pub fn wrote(self) -> bool {
        self != Change::Unchanged
    }
}

/// Counts of what a batch of upserts did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Tally {
    pub fn add(&mut self, c: Change) {
        match c {
            Change::Inserted => self.inserted += 1,
            Change::Updated => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }

    pub fn written(&self) -> u64 {
        self.inserted + self.updated
    }
}

/// Upserts for the tables keyed by a unique `key`: `upsert_x(db, model)` ignores
/// `model.id`, and returns the row's id and what changed.
macro_rules! keyed_upsert {
    ($fn_name:ident, $m:ident) => {
        pub async fn $fn_name(db: &impl ConnectionTrait, row: $m::Model) -> Result<(i32, Change), DbErr> {
            let existing = $m::Entity::find().filter($m::Column::Key.eq(row.key.clone())).one(db).await?;
            match existing {
                Some(old) => {
                    let mut same = row.clone();
                    same.id = old.id;
                    same.source_id = old.source_id.clone();
                    same.fetched_at = old.fetched_at;
                    if same == old {
                        return Ok((old.id, Change::Unchanged));
                    }
                    let mut am = row.into_active_model().reset_all();
                    am.id = sea_orm::ActiveValue::Unchanged(old.id);
                    am.update(db).await?;
                    Ok((old.id, Change::Updated))
                }
                None => {
                    let mut am = row.into_active_model();
                    am.id = sea_orm::ActiveValue::NotSet;
                    let res = $m::Entity::insert(am).exec(db).await?;
                    Ok((res.last_insert_id, Change::Inserted))
                }
            }
        }
    };
}

keyed_upsert!(upsert_company, companies);
keyed_upsert!(upsert_investor, investors);
keyed_upsert!(upsert_round, funding_rounds);
keyed_upsert!(upsert_acquisition, acquisitions);
keyed_upsert!(upsert_valuation, valuations);
keyed_upsert!(upsert_fund, funds);
keyed_upsert!(upsert_ipo, ipo_filings);

/// A round's investor (and whether it led): insert or update the flag.
pub async fn upsert_round_investor(
    db: &impl ConnectionTrait,
    round_id: i32,
    investor_id: i32,
    is_lead: bool,
) -> Result<Change, DbErr> {
    let old = round_investors::Entity::find_by_id((round_id, investor_id)).one(db).await?;
    match old {
        Some(o) if o.is_lead == is_lead => Ok(Change::Unchanged),
        Some(_) => {
            let am = round_investors::ActiveModel {
                round_id: sea_orm::ActiveValue::Unchanged(round_id),
                investor_id: sea_orm::ActiveValue::Unchanged(investor_id),
                is_lead: sea_orm::ActiveValue::Set(is_lead),
            };
            am.update(db).await?;
            Ok(Change::Updated)
        }
        None => {
            let am = round_investors::ActiveModel {
                round_id: sea_orm::ActiveValue::Set(round_id),
                investor_id: sea_orm::ActiveValue::Set(investor_id),
                is_lead: sea_orm::ActiveValue::Set(is_lead),
            };
            round_investors::Entity::insert(am).exec_without_returning(db).await?;
            Ok(Change::Inserted)
        }
    }
}

/// A fund cash flow, unique by (fund, date, kind): a different amount replaces the old.
pub async fn upsert_cash_flow(db: &impl ConnectionTrait, row: fund_cash_flows::Model) -> Result<Change, DbErr> {
    let old = fund_cash_flows::Entity::find()
        .filter(fund_cash_flows::Column::FundId.eq(row.fund_id))
        .filter(fund_cash_flows::Column::FlowDate.eq(row.flow_date))
        .filter(fund_cash_flows::Column::Kind.eq(row.kind.clone()))
        .one(db)
        .await?;
    match old {
        Some(o) if o.amount == row.amount && o.source == row.source => Ok(Change::Unchanged),
        Some(o) => {
            let mut am = row.into_active_model().reset_all();
            am.id = sea_orm::ActiveValue::Unchanged(o.id);
            am.update(db).await?;
            Ok(Change::Updated)
        }
        None => {
            let mut am = row.into_active_model();
            am.id = sea_orm::ActiveValue::NotSet;
            fund_cash_flows::Entity::insert(am).exec_without_returning(db).await?;
            Ok(Change::Inserted)
        }
    }
}

/// A fund's holding, unique by (fund, company).
pub async fn upsert_holding(db: &impl ConnectionTrait, row: fund_holdings::Model) -> Result<Change, DbErr> {
    let old = fund_holdings::Entity::find()
        .filter(fund_holdings::Column::FundId.eq(row.fund_id))
        .filter(fund_holdings::Column::CompanyId.eq(row.company_id))
        .one(db)
        .await?;
    match old {
        Some(o)
            if (o.invested, o.realized, o.unrealized, o.as_of, &o.source)
                == (row.invested, row.realized, row.unrealized, row.as_of, &row.source) =>
        {
            Ok(Change::Unchanged)
        }
        Some(o) => {
            let mut am = row.into_active_model().reset_all();
            am.id = sea_orm::ActiveValue::Unchanged(o.id);
            am.update(db).await?;
            Ok(Change::Updated)
        }
        None => {
            let mut am = row.into_active_model();
            am.id = sea_orm::ActiveValue::NotSet;
            fund_holdings::Entity::insert(am).exec_without_returning(db).await?;
            Ok(Change::Inserted)
        }
    }
}

/// One step of an IPO's status history; a filing seen twice is recorded once.
pub async fn record_ipo_event(db: &impl ConnectionTrait, row: ipo_events::Model) -> Result<Change, DbErr> {
    let mut am = row.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    let n = ipo_events::Entity::insert(am)
        .on_conflict(OnConflict::column(ipo_events::Column::Accession).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(if n == 0 { Change::Unchanged } else { Change::Inserted })
}

/// The lower-cased, space-collapsed form of a name that search and key matching use.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A key from a name for rows without an identifier of their own (imports, demo):
/// `acme-robotics-inc` for "Acme Robotics, Inc.".
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_stable_keys() {
        assert_eq!(slug("Acme Robotics, Inc."), "acme-robotics-inc");
        assert_eq!(slug("  Ωmega  AI  "), "ωmega-ai");
        assert_eq!(name_key("  Acme   Robotics "), "acme robotics");
    }
}
