//! The one way venture rows are written, whoever writes them (the EDGAR sync, an import,
//! the demo seed): upsert by the row's natural key, and touch nothing when the row holds
//! the same data already. That is what makes a second sync or a re-import write nothing.
//! Provenance (`source_id`, `fetched_at`) is not "data": a row that differs only there is
//! left as it is, so its first provenance stays.
use sea_orm::sea_query::{OnConflict, Query};
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryResult,
    QueryTrait, Statement,
};

use crate::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_rounds, funds, investors, ipo_events, ipo_filings,
    round_investors, valuations,
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

/// Rows per `IN (...)` lookup and per multi-row INSERT: under SQLite's 32,766 bound
/// variables for the widest table (about 25 columns), and PostgreSQL's 65,535.
pub const BATCH: usize = 1000;

/// Upserts for the tables keyed by a unique `key`. `upsert_xs(db, rows)` ignores each
/// model's `id`, and answers the stored ids in the rows' order and what changed. The keys
/// of `rows` must be distinct. It reads the existing rows a batch at a time and inserts new
/// ones with multi-row INSERTs: an import of tens of thousands of rows is a few hundred
/// statements, not two per row. `upsert_x(db, row)` is the same for one row. Tables whose
/// ids no caller needs (`without ids`) answer the tally alone and skip reading ids back.
macro_rules! keyed_upsert {
    ($one:ident, $many:ident, $m:ident) => {
        keyed_upsert!($one, $many, $m, keep: |_: &mut $m::Model, _: &$m::Model| {});
    };
    ($one:ident, $many:ident, $m:ident, keep: $keep:expr) => {
        pub async fn $many(db: &impl ConnectionTrait, rows: Vec<$m::Model>) -> Result<(Vec<i32>, Tally), DbErr> {
            keyed_upsert!(@body db, rows, $m, true, $keep)
        }

        pub async fn $one(db: &impl ConnectionTrait, row: $m::Model) -> Result<(i32, Change), DbErr> {
            let (ids, t) = $many(db, vec![row]).await?;
            Ok((ids[0], single(t)))
        }
    };
    ($one:ident, $many:ident, $m:ident, without ids) => {
        pub async fn $many(db: &impl ConnectionTrait, rows: Vec<$m::Model>) -> Result<Tally, DbErr> {
            let (_, tally) = keyed_upsert!(@body db, rows, $m, false, |_: &mut $m::Model, _: &$m::Model| {})?;
            Ok(tally)
        }

        pub async fn $one(db: &impl ConnectionTrait, row: $m::Model) -> Result<Change, DbErr> {
            Ok(single($many(db, vec![row]).await?))
        }
    };
    (@body $db:ident, $rows:ident, $m:ident, $want_ids:expr, $keep:expr) => {{
        let (db, rows, keep) = ($db, $rows, $keep);
        let mut tally = Tally::default();
        let mut old: HashMap<String, $m::Model> = HashMap::with_capacity(rows.len());
        for chunk in rows.chunks(BATCH) {
            let keys = chunk.iter().map(|r| r.key.clone());
            for m in $m::Entity::find().filter($m::Column::Key.is_in(keys)).all(db).await? {
                old.insert(m.key.clone(), m);
            }
        }
        let mut ids = vec![0; rows.len()];
        // New rows' keys -> their place in `rows`, to put the returned ids where they belong.
        let mut slot: HashMap<String, usize> = HashMap::new();
        let mut fresh: Vec<$m::ActiveModel> = Vec::new();
        for (i, mut row) in rows.into_iter().enumerate() {
            match old.get(&row.key) {
                Some(o) => {
                    ids[i] = o.id;
                    keep(&mut row, o);
                    let mut same = row.clone();
                    same.id = o.id;
                    same.source_id = o.source_id.clone();
                    same.fetched_at = o.fetched_at;
                    if &same == o {
                        tally.add(Change::Unchanged);
                        continue;
                    }
                    let mut am = row.into_active_model().reset_all();
                    am.id = sea_orm::ActiveValue::Unchanged(o.id);
                    am.update(db).await?;
                    tally.add(Change::Updated);
                }
                None => {
                    if $want_ids {
                        slot.insert(row.key.clone(), i);
                    }
                    let mut am = row.into_active_model();
                    am.id = sea_orm::ActiveValue::NotSet;
                    fresh.push(am);
                }
            }
        }
        tally.inserted = fresh.len() as u64;
        // RETURNING answers each new row's id with its key, in the same statement (SQLite
        // 3.35+ and PostgreSQL); matched by key, since neither promises the rows come back
        // in the order they went in.
        let returning = [$m::Column::Id, $m::Column::Key];
        for row in insert_batches::<$m::Entity>(db, fresh, if $want_ids { &returning } else { &[] }).await? {
            let key: String = row.try_get("", "key")?;
            if let Some(i) = slot.get(&key) {
                ids[*i] = row.try_get("", "id")?;
            }
        }
        Ok::<_, DbErr>((ids, tally))
    }};
}

keyed_upsert!(upsert_company, upsert_companies, companies);
keyed_upsert!(upsert_investor, upsert_investors, investors);
// `notable` belongs to `funding_tracker`: no writer of rounds resets it.
keyed_upsert!(upsert_round, upsert_rounds, funding_rounds, keep: |new: &mut funding_rounds::Model, old: &funding_rounds::Model| {
    new.notable = old.notable
});
keyed_upsert!(upsert_acquisition, upsert_acquisitions, acquisitions, without ids);
keyed_upsert!(upsert_valuation, upsert_valuations, valuations, without ids);
keyed_upsert!(upsert_fund, upsert_funds, funds);
keyed_upsert!(upsert_ipo, upsert_ipos, ipo_filings);

/// A round's investor (and whether it led): insert or update the flag.
pub async fn upsert_round_investor(
    db: &impl ConnectionTrait,
    round_id: i32,
    investor_id: i32,
    is_lead: bool,
) -> Result<Change, DbErr> {
    Ok(single(upsert_round_investors(db, &[(round_id, investor_id, is_lead)]).await?))
}

/// Round investors in bulk, as distinct (round id, investor id, led) triples.
pub async fn upsert_round_investors(db: &impl ConnectionTrait, rows: &[(i32, i32, bool)]) -> Result<Tally, DbErr> {
    let rounds: Vec<i32> = distinct(rows.iter().map(|r| r.0));
    let mut old: HashMap<(i32, i32), bool> = HashMap::new();
    for chunk in rounds.chunks(BATCH) {
        let found = round_investors::Entity::find()
            .filter(round_investors::Column::RoundId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        old.extend(found.into_iter().map(|o| ((o.round_id, o.investor_id), o.is_lead)));
    }
    let mut tally = Tally::default();
    let mut fresh = Vec::new();
    for &(round_id, investor_id, is_lead) in rows {
        match old.get(&(round_id, investor_id)) {
            Some(&lead) if lead == is_lead => tally.add(Change::Unchanged),
            Some(_) => {
                let am = round_investors::ActiveModel {
                    round_id: sea_orm::ActiveValue::Unchanged(round_id),
                    investor_id: sea_orm::ActiveValue::Unchanged(investor_id),
                    is_lead: sea_orm::ActiveValue::Set(is_lead),
                };
                am.update(db).await?;
                tally.add(Change::Updated);
            }
            None => fresh.push(round_investors::ActiveModel {
                round_id: sea_orm::ActiveValue::Set(round_id),
                investor_id: sea_orm::ActiveValue::Set(investor_id),
                is_lead: sea_orm::ActiveValue::Set(is_lead),
            }),
        }
    }
    tally.inserted = fresh.len() as u64;
    insert_batches::<round_investors::Entity>(db, fresh, &[]).await?;
    Ok(tally)
}

/// Upserts for the rows a fund owns, unique by a key within the fund (`key`): the funds'
/// existing rows are read a batch of funds at a time, a row equal under `same` is left as
/// it is, a different one replaces the old, new ones go in with multi-row INSERTs.
/// `upsert_x(db, row)` is the same for one row.
macro_rules! fund_rows_upsert {
    ($one:ident, $many:ident, $m:ident, key: $key:expr, same: $same:expr) => {
        pub async fn $many(db: &impl ConnectionTrait, rows: Vec<$m::Model>) -> Result<Tally, DbErr> {
            let (key, same) = ($key, $same);
            let funds: Vec<i32> = distinct(rows.iter().map(|r| r.fund_id));
            let mut old = HashMap::new();
            for chunk in funds.chunks(BATCH) {
                let found = $m::Entity::find().filter($m::Column::FundId.is_in(chunk.iter().copied())).all(db).await?;
                old.extend(found.into_iter().map(|o| (key(&o), o)));
            }
            let mut tally = Tally::default();
            let mut fresh = Vec::new();
            for row in rows {
                match old.get(&key(&row)) {
                    Some(o) if same(o, &row) => tally.add(Change::Unchanged),
                    Some(o) => {
                        let mut am = row.into_active_model().reset_all();
                        am.id = sea_orm::ActiveValue::Unchanged(o.id);
                        am.update(db).await?;
                        tally.add(Change::Updated);
                    }
                    None => {
                        let mut am = row.into_active_model();
                        am.id = sea_orm::ActiveValue::NotSet;
                        fresh.push(am);
                    }
                }
            }
            tally.inserted = fresh.len() as u64;
            insert_batches::<$m::Entity>(db, fresh, &[]).await?;
            Ok(tally)
        }

        pub async fn $one(db: &impl ConnectionTrait, row: $m::Model) -> Result<Change, DbErr> {
            Ok(single($many(db, vec![row]).await?))
        }
    };
}

// A cash flow is unique by (fund, date, kind): a different amount replaces the old.
fund_rows_upsert!(
    upsert_cash_flow,
    upsert_cash_flows,
    fund_cash_flows,
    key: |r: &fund_cash_flows::Model| (r.fund_id, r.flow_date, r.kind.clone()),
    same: |o: &fund_cash_flows::Model, n: &fund_cash_flows::Model| o.amount == n.amount && o.source == n.source
);

// A holding is unique by (fund, company).
fund_rows_upsert!(
    upsert_holding,
    upsert_holdings,
    fund_holdings,
    key: |r: &fund_holdings::Model| (r.fund_id, r.company_id),
    same: |o: &fund_holdings::Model, n: &fund_holdings::Model| {
        (o.invested, o.realized, o.unrealized, o.as_of, &o.source)
            == (n.invested, n.realized, n.unrealized, n.as_of, &n.source)
    }
);

/// Multi-row INSERTs of `BATCH` rows each, answering the `returning` columns of the rows
/// they wrote (none when it is empty). Each batch's statement is built while the one before
/// it runs: SQLite executes on its connection's own thread and PostgreSQL on the server, so
/// building the SQL and its values, most of an import's CPU, overlaps with executing it.
async fn insert_batches<E: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: Vec<E::ActiveModel>,
    returning: &[E::Column],
) -> Result<Vec<QueryResult>, DbErr> {
    let backend = db.get_database_backend();
    let mut rows = rows.into_iter().peekable();
    let mut build = move || -> Option<Statement> {
        rows.peek()?;
        let mut chunk: Vec<E::ActiveModel> = rows.by_ref().take(BATCH).collect();
        omit_null_columns(&mut chunk);
        let mut insert = E::insert_many(chunk).into_query();
        if !returning.is_empty() {
            insert.returning(Query::returning().columns(returning.iter().copied()));
        }
        Some(backend.build(&insert))
    };
    let mut out = Vec::new();
    let mut next = build();
    while let Some(stmt) = next.take() {
        let run = async {
            if returning.is_empty() {
                db.execute_raw(stmt).await.map(|_| Vec::new())
            } else {
                db.query_all_raw(stmt).await
            }
        };
        // `join` polls `run` first, which hands the statement over, then builds the next.
        let (done, following) = futures_util::future::join(run, async { build() }).await;
        out.extend(done?);
        next = following;
    }
    Ok(out)
}

/// Leaves out of the batch's INSERT the columns that are NULL in every row of it: an
/// import states none of a Form D's fields (accession, amounts offered and remaining, ...),
/// and each bound value costs as much as a small row. An omitted column is NULL all the
/// same because the venture tables declare no column defaults (their migration);
/// `venture_tables_declare_no_column_defaults_so_omitted_columns_are_null` checks it.
fn omit_null_columns<A: ActiveModelTrait>(chunk: &mut [A]) {
    use sea_orm::{ActiveValue, Iterable};

    let is_null = |v: ActiveValue<sea_orm::Value>| matches!(v, ActiveValue::Set(v) if v == v.as_null());
    let nulls: Vec<<A::Entity as EntityTrait>::Column> =
        <A::Entity as EntityTrait>::Column::iter().filter(|c| chunk.iter().all(|am| is_null(am.get(*c)))).collect();
    for am in chunk.iter_mut() {
        for c in &nulls {
            am.not_set(*c);
        }
    }
}

fn distinct(ids: impl Iterator<Item = i32>) -> Vec<i32> {
    let mut v: Vec<i32> = ids.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// What a one-row batch did.
fn single(t: Tally) -> Change {
    if t.inserted > 0 {
        Change::Inserted
    } else if t.updated > 0 {
        Change::Updated
    } else {
        Change::Unchanged
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
    // One pass and one allocation: imports call this for every row and every reference.
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// A key from a name for rows without an identifier of their own (imports, demo):
/// `acme-robotics-inc` for "Acme Robotics, Inc.".
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let end = out.trim_end_matches('-').len();
    out.truncate(end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_stable_keys() {
        assert_eq!(slug("Acme Robotics, Inc."), "acme-robotics-inc");
        assert_eq!(slug("  Ωmega  AI  "), "ωmega-ai");
        assert_eq!(name_key("  Acme   Robotics "), "acme robotics");
        assert_eq!(name_key("ÉCOLE  Straße"), "école straße");
        assert_eq!(slug("--Über Labs--"), "über-labs");
    }
}
