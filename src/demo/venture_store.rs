//! Writing the venture demo to the database, and giving way to real data: [`seed`] writes
//! nothing once any real venture row exists, and [`give_way`] deletes every demo row then
//! (the server calls it at start-up and after every job).
use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{IntoCondition, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::venture::{generate, DemoData, DEMO, DEMO_SEED};
use crate::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_monthly, funding_rounds, funds, investors,
    ipo_events, ipo_filings, round_investors, valuations,
};
use crate::venture::upsert::{self, Tally};

/// What a seed did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    /// Every upsert, link, flow, holding and IPO event.
    pub tally: Tally,
    /// Demo rows the generator no longer produces (a fund's old NAV row, ...), deleted.
    pub removed: u64,
    /// `funding_monthly` rows computed afterwards (0 when nothing changed).
    pub monthly_rows: u64,
    /// Real venture data exists, so nothing was seeded.
    pub real_data: bool,
}

impl Seeded {
    pub fn written(&self) -> u64 {
        self.tally.written() + self.removed
    }
}

/// Fills the venture tables with the demo for `today` unless real venture data exists,
/// then runs the funding tracker (only when something changed, so seeding twice writes
/// nothing the second time). One transaction: a failure leaves no half demo behind.
pub async fn seed(db: &DatabaseConnection, today: NaiveDate, notable_usd: f64) -> Result<Seeded, DbErr> {
    if has_real_data(db).await? {
        return Ok(Seeded { real_data: true, ..Default::default() });
    }
    let now = Utc::now();
    let data = generate(DEMO_SEED, today, now);
    let txn = crate::db::begin_write(db).await?;
    let mut out = write(&txn, data, notable_usd).await?;
    txn.commit().await?;
    let monthly_empty = funding_monthly::Entity::find().count(db).await? == 0;
    if out.written() > 0 || monthly_empty {
        out.monthly_rows = crate::venture::tracker::run(db, notable_usd, now).await?.rows;
    }
    Ok(out)
}

async fn write(db: &impl ConnectionTrait, data: DemoData, notable_usd: f64) -> Result<Seeded, DbErr> {
    let mut t = Tally::default();
    let mut removed = 0;

    let mut company_ids = Vec::with_capacity(data.companies.len());
    let mut keys = Vec::new();
    for c in data.companies {
        keys.push(c.key.clone());
        let (id, ch) = upsert::upsert_company(db, c).await?;
        t.add(ch);
        company_ids.push(id);
    }
    removed +=
        prune_keyed::<companies::Entity, _, _>(db, companies::Column::Key, companies::Column::Source, keys).await?;

    let mut investor_ids = Vec::with_capacity(data.investors.len());
    let mut keys = Vec::new();
    for i in data.investors {
        keys.push(i.key.clone());
        let (id, ch) = upsert::upsert_investor(db, i).await?;
        t.add(ch);
        investor_ids.push(id);
    }
    removed +=
        prune_keyed::<investors::Entity, _, _>(db, investors::Column::Key, investors::Column::Source, keys).await?;

    let (mut round_keys, mut valuation_keys) = (Vec::new(), Vec::new());
    for r in data.rounds {
        let mut round = r.round;
        round.company_id = company_ids[r.company];
        round.notable = round.amount_sold.is_some_and(|a| a >= notable_usd);
        round_keys.push(round.key.clone());
        let (round_id, ch) = upsert::upsert_round(db, round).await?;
        t.add(ch);
        for (inv, lead) in r.investors {
            t.add(upsert::upsert_round_investor(db, round_id, investor_ids[inv], lead).await?);
        }
        if let Some(mut v) = r.valuation {
            v.company_id = company_ids[r.company];
            v.round_id = Some(round_id);
            valuation_keys.push(v.key.clone());
            t.add(upsert::upsert_valuation(db, v).await?);
        }
    }
    removed += prune_keyed::<funding_rounds::Entity, _, _>(
        db,
        funding_rounds::Column::Key,
        funding_rounds::Column::Source,
        round_keys,
    )
    .await?;
    removed += prune_keyed::<valuations::Entity, _, _>(
        db,
        valuations::Column::Key,
        valuations::Column::Source,
        valuation_keys,
    )
    .await?;

    let mut keys = Vec::new();
    for f in data.funds {
        let mut fund = f.fund;
        fund.manager_id = Some(investor_ids[f.manager]);
        keys.push(fund.key.clone());
        let (fund_id, ch) = upsert::upsert_fund(db, fund).await?;
        t.add(ch);
        let mut wanted = HashSet::new();
        for mut flow in f.flows {
            flow.fund_id = fund_id;
            wanted.insert((flow.flow_date, flow.kind.clone()));
            t.add(upsert::upsert_cash_flow(db, flow).await?);
        }
        // A NAV row of a quarter that is no longer the last one, and the like.
        let stale: Vec<i32> = fund_cash_flows::Entity::find()
            .filter(fund_cash_flows::Column::FundId.eq(fund_id))
            .filter(fund_cash_flows::Column::Source.eq(DEMO))
            .all(db)
            .await?
            .into_iter()
            .filter(|f| !wanted.contains(&(f.flow_date, f.kind.clone())))
            .map(|f| f.id)
            .collect();
        if !stale.is_empty() {
            removed += fund_cash_flows::Entity::delete_many()
                .filter(fund_cash_flows::Column::Id.is_in(stale))
                .exec(db)
                .await?
                .rows_affected;
        }
        let mut held = Vec::new();
        for (c, mut h) in f.holdings {
            h.fund_id = fund_id;
            h.company_id = company_ids[c];
            held.push(h.company_id);
            t.add(upsert::upsert_holding(db, h).await?);
        }
        removed += fund_holdings::Entity::delete_many()
            .filter(fund_holdings::Column::FundId.eq(fund_id))
            .filter(fund_holdings::Column::Source.eq(DEMO))
            .filter(fund_holdings::Column::CompanyId.is_not_in(held))
            .exec(db)
            .await?
            .rows_affected;
    }
    removed += prune_keyed::<funds::Entity, _, _>(db, funds::Column::Key, funds::Column::Source, keys).await?;

    let mut keys = Vec::new();
    for a in data.acquisitions {
        let mut acq = a.acquisition;
        acq.acquirer_id = a.acquirer.map(|i| company_ids[i]);
        acq.target_id = Some(company_ids[a.target]);
        keys.push(acq.key.clone());
        t.add(upsert::upsert_acquisition(db, acq).await?);
    }
    removed +=
        prune_keyed::<acquisitions::Entity, _, _>(db, acquisitions::Column::Key, acquisitions::Column::Source, keys)
            .await?;

    let mut keys = Vec::new();
    for i in data.ipos {
        let mut ipo = i.ipo;
        ipo.company_id = Some(company_ids[i.company]);
        keys.push(ipo.key.clone());
        let (ipo_id, ch) = upsert::upsert_ipo(db, ipo).await?;
        t.add(ch);
        if ch == upsert::Change::Updated {
            // Its dates moved (a later day): the history is recorded again, since an event
            // already seen is never rewritten.
            let accessions: Vec<String> = i.events.iter().map(|e| e.accession.clone()).collect();
            removed += ipo_events::Entity::delete_many()
                .filter(
                    Condition::any()
                        .add(ipo_events::Column::IpoId.eq(ipo_id))
                        .add(ipo_events::Column::Accession.is_in(accessions)),
                )
                .exec(db)
                .await?
                .rows_affected;
        }
        for mut e in i.events {
            e.ipo_id = ipo_id;
            t.add(upsert::record_ipo_event(db, e).await?);
        }
    }
    removed +=
        prune_keyed::<ipo_filings::Entity, _, _>(db, ipo_filings::Column::Key, ipo_filings::Column::Source, keys)
            .await?;

    Ok(Seeded { tally: t, removed, monthly_rows: 0, real_data: false })
}

/// Deletes the demo rows of a keyed table whose key is not in `keys`.
async fn prune_keyed<E, K, S>(db: &impl ConnectionTrait, key: K, source: S, keys: Vec<String>) -> Result<u64, DbErr>
where
    E: EntityTrait,
    K: ColumnTrait,
    S: ColumnTrait,
{
    Ok(E::delete_many().filter(source.eq(DEMO)).filter(key.is_not_in(keys)).exec(db).await?.rows_affected)
}

async fn exists<E: EntityTrait>(db: &impl ConnectionTrait, cond: impl IntoCondition) -> Result<bool, DbErr> {
    Ok(E::find().filter(cond).one(db).await?.is_some())
}

/// Whether any venture row came from somewhere other than the demo (EDGAR, an import).
pub async fn has_real_data(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(exists::<companies::Entity>(db, companies::Column::Source.ne(DEMO)).await?
        || exists::<funding_rounds::Entity>(db, funding_rounds::Column::Source.ne(DEMO)).await?
        || exists::<investors::Entity>(db, investors::Column::Source.ne(DEMO)).await?
        || exists::<funds::Entity>(db, funds::Column::Source.ne(DEMO)).await?
        || exists::<fund_cash_flows::Entity>(db, fund_cash_flows::Column::Source.ne(DEMO)).await?
        || exists::<fund_holdings::Entity>(db, fund_holdings::Column::Source.ne(DEMO)).await?
        || exists::<acquisitions::Entity>(db, acquisitions::Column::Source.ne(DEMO)).await?
        || exists::<valuations::Entity>(db, valuations::Column::Source.ne(DEMO)).await?
        || exists::<ipo_filings::Entity>(db, ipo_filings::Column::Source.ne(DEMO)).await?)
}

/// Whether any demo venture row is stored.
pub async fn has_demo_data(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(exists::<companies::Entity>(db, companies::Column::Source.eq(DEMO)).await?
        || exists::<investors::Entity>(db, investors::Column::Source.eq(DEMO)).await?
        || exists::<funds::Entity>(db, funds::Column::Source.eq(DEMO)).await?
        || exists::<acquisitions::Entity>(db, acquisitions::Column::Source.eq(DEMO)).await?
        || exists::<ipo_filings::Entity>(db, ipo_filings::Column::Source.eq(DEMO)).await?)
}

/// Deletes every demo venture row (links, flows, holdings and IPO events of demo rows
/// included) in one transaction, then recomputes the monthly aggregates without them.
/// Rows from EDGAR or imports are untouched. Returns the rows deleted.
pub async fn clear(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let demo_rounds = Query::select()
        .column(funding_rounds::Column::Id)
        .from(funding_rounds::Entity)
        .and_where(funding_rounds::Column::Source.eq(DEMO))
        .to_owned();
    let demo_investors = Query::select()
        .column(investors::Column::Id)
        .from(investors::Entity)
        .and_where(investors::Column::Source.eq(DEMO))
        .to_owned();
    let demo_ipos = Query::select()
        .column(ipo_filings::Column::Id)
        .from(ipo_filings::Entity)
        .and_where(ipo_filings::Column::Source.eq(DEMO))
        .to_owned();
    let mut n = round_investors::Entity::delete_many()
        .filter(
            Condition::any()
                .add(round_investors::Column::RoundId.in_subquery(demo_rounds))
                .add(round_investors::Column::InvestorId.in_subquery(demo_investors)),
        )
        .exec(&txn)
        .await?
        .rows_affected;
    n += ipo_events::Entity::delete_many()
        .filter(ipo_events::Column::IpoId.in_subquery(demo_ipos))
        .exec(&txn)
        .await?
        .rows_affected;
    n += valuations::Entity::delete_many().filter(valuations::Column::Source.eq(DEMO)).exec(&txn).await?.rows_affected;
    n += fund_holdings::Entity::delete_many()
        .filter(fund_holdings::Column::Source.eq(DEMO))
        .exec(&txn)
        .await?
        .rows_affected;
    n += fund_cash_flows::Entity::delete_many()
        .filter(fund_cash_flows::Column::Source.eq(DEMO))
        .exec(&txn)
        .await?
        .rows_affected;
    n += funding_rounds::Entity::delete_many()
        .filter(funding_rounds::Column::Source.eq(DEMO))
        .exec(&txn)
        .await?
        .rows_affected;
    n += acquisitions::Entity::delete_many()
        .filter(acquisitions::Column::Source.eq(DEMO))
        .exec(&txn)
        .await?
        .rows_affected;
    n +=
        ipo_filings::Entity::delete_many().filter(ipo_filings::Column::Source.eq(DEMO)).exec(&txn).await?.rows_affected;
    n += funds::Entity::delete_many().filter(funds::Column::Source.eq(DEMO)).exec(&txn).await?.rows_affected;
    n += investors::Entity::delete_many().filter(investors::Column::Source.eq(DEMO)).exec(&txn).await?.rows_affected;
    n += companies::Entity::delete_many().filter(companies::Column::Source.eq(DEMO)).exec(&txn).await?.rows_affected;
    txn.commit().await?;
    if n > 0 {
        crate::venture::tracker::recompute_monthly(db, Utc::now()).await?;
    }
    Ok(n)
}

/// Real data replaces the demo: once any real venture row exists, every demo row goes.
/// Cheap when there is nothing to do (a few one-row lookups). Returns the rows deleted.
pub async fn give_way(db: &DatabaseConnection) -> Result<u64, DbErr> {
    if has_demo_data(db).await? && has_real_data(db).await? {
        let n = clear(db).await?;
        tracing::info!(rows = n, "real venture data present: demo venture rows deleted");
        return Ok(n);
    }
    Ok(0)
}

/// Demo mode for the venture models, as the server runs it at start-up: the demo gives
/// way to real data, and is seeded (when `seed`) only where there is none.
pub async fn refresh(
    db: &DatabaseConnection,
    seed_demo: bool,
    today: NaiveDate,
    notable_usd: f64,
) -> Result<Seeded, DbErr> {
    let removed = give_way(db).await?;
    let mut out = if seed_demo { seed(db, today, notable_usd).await? } else { Seeded::default() };
    out.removed += removed;
    Ok(out)
}
