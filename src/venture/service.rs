//! Reads for the venture endpoints and pages. Every answer carries provenance per row and
//! whether any of it is demo data. Queries stay on indexed columns and page their rows,
//! so a million funding rounds answer as quickly as a hundred (docs/performance.md has the figures).
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::model::*;
use super::query::{quarter_of, quarters, FundingFilter};
use super::returns;
use super::sector::Sector;
use crate::db::entities::{
    acquisitions, companies, edgar_filings, fund_cash_flows, fund_holdings, funding_monthly, funding_rounds, funds,
    investors, ipo_events, ipo_filings, round_investors, valuations,
};

pub const DEMO: &str = "demo";
/// The public index the Kaplan-Schoar PME is measured against: a macro series Quarry holds.
pub const PME_INDEX_SLUG: &str = "sp500";
pub const PME_INDEX_LABEL: &str = "S&P 500 (FRED SP500, price index)";

fn provenance(
    source: &str,
    source_id: &str,
    fetched_at: DateTime<Utc>,
    cik: Option<i64>,
    acc: Option<&str>,
) -> Provenance {
    Provenance {
        source: source.to_string(),
        source_id: source_id.to_string(),
        fetched_at,
        demo: source == DEMO,
        filing_url: match (source, cik, acc) {
            ("edgar", Some(cik), Some(acc)) => Some(filing_url(cik, acc)),
            _ => None,
        },
    }
}

/// Counts for the venture overview and the empty states.
pub async fn status(db: &impl ConnectionTrait) -> Result<VentureStatus, DbErr> {
    let demo = companies::Entity::find().filter(companies::Column::Source.eq(DEMO)).count(db).await? > 0;
    let last_sync = edgar_filings::Entity::find()
        .order_by_desc(edgar_filings::Column::ProcessedAt)
        .one(db)
        .await?
        .map(|f| f.processed_at);
    Ok(VentureStatus {
        companies: companies::Entity::find().count(db).await?,
        rounds: funding_rounds::Entity::find().count(db).await?,
        funds: funds::Entity::find().count(db).await?,
        investors: investors::Entity::find().count(db).await?,
        acquisitions: acquisitions::Entity::find().count(db).await?,
        ipo_filings: ipo_filings::Entity::find().count(db).await?,
        filing_errors: edgar_filings::Entity::find()
            .filter(edgar_filings::Column::Status.eq("error"))
            .count(db)
            .await?,
        demo,
        last_sync,
    })
}

/// Every sector with its rounds and dollars (from the `funding_tracker` aggregates).
pub async fn sectors(db: &impl ConnectionTrait) -> Result<SectorList, DbErr> {
    let rows = funding_monthly::Entity::find().all(db).await?;
    let mut by: HashMap<String, (i64, f64)> = HashMap::new();
    let mut demo = false;
    for r in &rows {
        let e = by.entry(r.sector.clone()).or_default();
        e.0 += r.rounds;
        e.1 += r.amount_sold;
        demo |= r.demo;
    }
    Ok(SectorList {
        sectors: Sector::ALL
            .iter()
            .map(|s| {
                let (rounds, amount_sold) = by.get(s.slug()).copied().unwrap_or_default();
                SectorInfo { slug: s.slug().into(), label: s.label().into(), rounds, amount_sold }
            })
            .collect(),
        taxonomy_note: "Form D industry groups and SEC SIC codes both map to these sectors; docs/venture.md in the repository lists the mapping."
            .into(),
        demo,
    })
}

/// The newest round's date, if any round exists.
pub async fn latest_round_date(db: &impl ConnectionTrait) -> Result<Option<NaiveDate>, DbErr> {
    funding_rounds::Entity::find()
        .select_only()
        .column_as(Expr::expr(Func::max(Expr::col(funding_rounds::Column::AnnouncedOn))), "d")
        .into_tuple::<Option<NaiveDate>>()
        .one(db)
        .await
        .map(Option::flatten)
}

/// Funding by sector (or, drilled into a sector, by stage) and quarter over `[start, end]`
/// (whole quarters), with totals and the biggest rounds. Reads the monthly aggregates
/// that `funding_tracker` keeps, not the rounds themselves.
pub async fn landscape(
    db: &impl ConnectionTrait,
    start: NaiveDate,
    end: NaiveDate,
    sector: Option<Sector>,
) -> Result<Landscape, DbErr> {
    let mut q = funding_monthly::Entity::find()
        .filter(funding_monthly::Column::Month.gte(start))
        .filter(funding_monthly::Column::Month.lte(end));
    if let Some(s) = sector {
        q = q.filter(funding_monthly::Column::Sector.eq(s.slug()));
    }
    let months = q.all(db).await?;
    let labels = quarters(start, end);
    let index: HashMap<&str, usize> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
    let mut rows: Vec<LandscapeRow> = match sector {
        None => Sector::ALL
            .iter()
            .map(|s| LandscapeRow {
                key: s.slug().into(),
                label: s.label().into(),
                cells: vec![Cell::default(); labels.len()],
                total: Cell::default(),
            })
            .collect(),
        Some(_) => STAGES
            .iter()
            .map(|s| LandscapeRow {
                key: s.to_string(),
                label: stage_label(s).into(),
                cells: vec![Cell::default(); labels.len()],
                total: Cell::default(),
            })
            .collect(),
    };
    let mut total = Cell::default();
    let mut with_amount = 0;
    let mut demo = false;
    let mut computed_at: Option<DateTime<Utc>> = None;
    for m in &months {
        let key = if sector.is_some() { &m.stage } else { &m.sector };
        let Some(row) = rows.iter_mut().find(|r| &r.key == key) else { continue };
        let (label, _) = quarter_of(m.month);
        let Some(&i) = index.get(label.as_str()) else { continue };
        row.cells[i].rounds += m.rounds;
        row.cells[i].amount_sold += m.amount_sold;
        row.total.rounds += m.rounds;
        row.total.amount_sold += m.amount_sold;
        total.rounds += m.rounds;
        total.amount_sold += m.amount_sold;
        with_amount += m.rounds_with_amount;
        demo |= m.demo;
        computed_at = Ord::max(computed_at, Some(m.computed_at));
    }
    if computed_at.is_none() {
        computed_at = funding_monthly::Entity::find()
            .order_by_desc(funding_monthly::Column::ComputedAt)
            .one(db)
            .await?
            .map(|m| m.computed_at);
    }
    // Stages nobody used stay out of a drill-down; every sector stays in the overview so
    // the heatmap's rows do not move between periods.
    if sector.is_some() {
        rows.retain(|r| r.total.rounds > 0);
    }
    let biggest = biggest_rounds(db, start, end, sector, 10).await?;
    let labels_have = |q: &str| labels.iter().any(|l| l == q);
    let partial_quarter = {
        let today = Utc::now().date_naive();
        let running = format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1);
        labels_have(&running).then_some(running)
    };
    Ok(Landscape {
        quarters: labels,
        from: start,
        to: end,
        sector: sector.map(|s| s.slug().to_string()),
        rows,
        total,
        rounds_with_amount: with_amount,
        biggest,
        computed_at,
        data_through: latest_round_date(db).await?,
        demo,
        partial_quarter,
    })
}

async fn biggest_rounds(
    db: &impl ConnectionTrait,
    start: NaiveDate,
    end: NaiveDate,
    sector: Option<Sector>,
    n: u64,
) -> Result<Vec<RoundRow>, DbErr> {
    let rounds = if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // SQLite's planner takes the date index and sorts every round of the period (a
        // second at a million rounds); walking the amount index from the top and stopping
        // at the tenth round in the period is what PostgreSQL does by itself. The unary
        // `+` keeps SQLite off the date and sector indexes.
        let mut sql = String::from(
            "SELECT id FROM funding_rounds WHERE +announced_on BETWEEN ? AND ? AND amount_sold IS NOT NULL",
        );
        let mut values: Vec<sea_orm::Value> = vec![start.into(), end.into()];
        if let Some(s) = sector {
            sql.push_str(" AND +sector = ?");
            values.push(s.slug().into());
        }
        sql.push_str(&format!(" ORDER BY amount_sold DESC LIMIT {n}"));
        let ids: Vec<i32> = db
            .query_all_raw(sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Sqlite, sql, values))
            .await?
            .iter()
            .map(|r| r.try_get::<i32>("", "id"))
            .collect::<Result<_, _>>()?;
        let mut found =
            funding_rounds::Entity::find().filter(funding_rounds::Column::Id.is_in(ids.clone())).all(db).await?;
        found.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        found
    } else {
        let mut q = funding_rounds::Entity::find()
            .filter(funding_rounds::Column::AnnouncedOn.between(start, end))
            .filter(funding_rounds::Column::AmountSold.is_not_null());
        if let Some(s) = sector {
            q = q.filter(funding_rounds::Column::Sector.eq(s.slug()));
        }
        q.order_by_desc(funding_rounds::Column::AmountSold).limit(n).all(db).await?
    };
    round_rows(db, rounds).await
}

/// Turns round models into rows with their company names and investors (two queries for
/// the whole page).
async fn round_rows(db: &impl ConnectionTrait, rounds: Vec<funding_rounds::Model>) -> Result<Vec<RoundRow>, DbErr> {
    let company_ids: Vec<i32> = rounds.iter().map(|r| r.company_id).collect();
    let names: HashMap<i32, (String, Option<i64>)> = companies::Entity::find()
        .filter(companies::Column::Id.is_in(company_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.name, c.cik)))
        .collect();
    let round_ids: Vec<i32> = rounds.iter().map(|r| r.id).collect();
    let links =
        round_investors::Entity::find().filter(round_investors::Column::RoundId.is_in(round_ids)).all(db).await?;
    let investor_ids: Vec<i32> = links.iter().map(|l| l.investor_id).collect();
    let investor_names: HashMap<i32, String> = investors::Entity::find()
        .filter(investors::Column::Id.is_in(investor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let mut leads: HashMap<i32, Vec<String>> = HashMap::new();
    let mut others: HashMap<i32, Vec<String>> = HashMap::new();
    for l in links {
        let Some(name) = investor_names.get(&l.investor_id) else { continue };
        if l.is_lead { leads.entry(l.round_id) } else { others.entry(l.round_id) }.or_default().push(name.clone());
    }
    Ok(rounds
        .into_iter()
        .map(|r| {
            let (company, cik) =
                names.get(&r.company_id).cloned().unwrap_or_else(|| (format!("company {}", r.company_id), None));
            let mut lead = leads.remove(&r.id).unwrap_or_default();
            let mut rest = others.remove(&r.id).unwrap_or_default();
            lead.sort();
            rest.sort();
            RoundRow {
                id: r.id,
                company_id: r.company_id,
                company,
                announced_on: r.announced_on,
                first_sale_on: r.first_sale_on,
                first_sale_yet_to_occur: r.first_sale_yet_to_occur,
                stage: r.stage,
                sector: r.sector,
                state: r.state,
                amount_offered: r.amount_offered,
                offering_indefinite: r.offering_indefinite,
                amount_sold: r.amount_sold,
                investor_count: r.investor_count,
                currency: r.currency,
                form_type: r.form_type,
                accession: r.accession.clone(),
                notable: r.notable,
                lead_investors: lead,
                investors: rest,
                provenance: provenance(&r.source, &r.source_id, r.fetched_at, cik, r.accession.as_deref()),
            }
        })
        .collect())
}

fn funding_condition(f: &FundingFilter, company_ids: Option<Vec<i32>>) -> Condition {
    let mut c = Condition::all();
    if let Some(s) = f.sector {
        c = c.add(funding_rounds::Column::Sector.eq(s.slug()));
    }
    if let Some(s) = &f.stage {
        c = c.add(funding_rounds::Column::Stage.eq(s.clone()));
    }
    if let Some(s) = &f.state {
        c = c.add(funding_rounds::Column::State.eq(s.clone()));
    }
    if let Some(a) = f.min_amount {
        c = c.add(funding_rounds::Column::AmountSold.gte(a));
    }
    if let Some(a) = f.max_amount {
        c = c.add(funding_rounds::Column::AmountSold.lte(a));
    }
    if let Some(d) = f.from {
        c = c.add(funding_rounds::Column::AnnouncedOn.gte(d));
    }
    if let Some(d) = f.to {
        c = c.add(funding_rounds::Column::AnnouncedOn.lte(d));
    }
    if f.notable {
        c = c.add(funding_rounds::Column::Notable.eq(true));
    }
    if let Some(ids) = company_ids {
        c = c.add(funding_rounds::Column::CompanyId.is_in(ids));
    }
    c
}

/// Company ids whose name contains `q` (at most 1,000: a search that broad is refined).
async fn companies_matching(db: &impl ConnectionTrait, q: &str) -> Result<Vec<i32>, DbErr> {
    companies::Entity::find()
        .select_only()
        .column(companies::Column::Id)
        .filter(companies::Column::NameKey.contains(q))
        .limit(1000)
        .into_tuple()
        .all(db)
        .await
}

/// The funding rounds table: filtered, sorted and paged.
pub async fn funding(db: &impl ConnectionTrait, f: &FundingFilter) -> Result<Page<RoundRow>, DbErr> {
    let ids = match &f.q {
        Some(q) => Some(companies_matching(db, q).await?),
        None => None,
    };
    let cond = funding_condition(f, ids);
    let total = funding_rounds::Entity::find().filter(cond.clone()).count(db).await?;
    let dir = if f.dir == "asc" { Order::Asc } else { Order::Desc };
    let mut q = funding_rounds::Entity::find().filter(cond);
    q = match f.sort.as_str() {
        // Rounds of unknown amount go last either way: they have nothing to rank by.
        "amount" => q
            .order_by(ExprTrait::is_null(Expr::col(funding_rounds::Column::AmountSold)), Order::Asc)
            .order_by(funding_rounds::Column::AmountSold, dir.clone()),
        "offered" => q
            .order_by(ExprTrait::is_null(Expr::col(funding_rounds::Column::AmountOffered)), Order::Asc)
            .order_by(funding_rounds::Column::AmountOffered, dir.clone()),
        // By the company's name, read through the company id (the rounds table keeps
        // no copy of the name to go stale).
        "company" => q.order_by(
            Expr::cust("(SELECT name_key FROM companies WHERE companies.id = funding_rounds.company_id)"),
            dir.clone(),
        ),
        _ => q.order_by(funding_rounds::Column::AnnouncedOn, dir.clone()),
    };
    let rounds =
        q.order_by(funding_rounds::Column::Id, dir).limit(f.per_page).offset((f.page - 1) * f.per_page).all(db).await?;
    let demo = rounds.iter().any(|r| r.source == DEMO);
    Ok(Page { rows: round_rows(db, rounds).await?, total, page: f.page, per_page: f.per_page, demo })
}

/// Sums of amounts sold and round counts per company, for the companies on one page.
async fn company_totals(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> Result<HashMap<i32, (i64, f64, Option<NaiveDate>)>, DbErr> {
    let rows: Vec<(i32, i64, Option<f64>, Option<NaiveDate>)> = funding_rounds::Entity::find()
        .select_only()
        .column(funding_rounds::Column::CompanyId)
        .column_as(Expr::expr(Func::count(Expr::col(funding_rounds::Column::Id))), "n")
        .column_as(Expr::expr(Func::sum(Expr::col(funding_rounds::Column::AmountSold))), "s")
        .column_as(Expr::expr(Func::max(Expr::col(funding_rounds::Column::AnnouncedOn))), "d")
        .filter(funding_rounds::Column::CompanyId.is_in(ids))
        .group_by(funding_rounds::Column::CompanyId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n, s, d)| (id, (n, s.unwrap_or(0.0), d))).collect())
}

/// Companies, optionally by name and sector, alphabetical, paged.
pub async fn companies(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    sector: Option<Sector>,
    page: u64,
    per_page: u64,
) -> Result<Page<CompanyRow>, DbErr> {
    let mut cond = Condition::all();
    if let Some(q) = q {
        cond = cond.add(companies::Column::NameKey.contains(q));
    }
    if let Some(s) = sector {
        cond = cond.add(companies::Column::Sector.eq(s.slug()));
    }
    let total = companies::Entity::find().filter(cond.clone()).count(db).await?;
    let list = companies::Entity::find()
        .filter(cond)
        .order_by_asc(companies::Column::NameKey)
        .order_by_asc(companies::Column::Id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .all(db)
        .await?;
    let totals = company_totals(db, list.iter().map(|c| c.id).collect()).await?;
    let demo = list.iter().any(|c| c.source == DEMO);
    let rows = list
        .into_iter()
        .map(|c| {
            let (rounds, amount_sold, last) = totals.get(&c.id).copied().unwrap_or((0, 0.0, None));
            CompanyRow {
                id: c.id,
                provenance: provenance(&c.source, &c.source_id, c.fetched_at, c.cik, Some(&c.source_id)),
                name: c.name,
                cik: c.cik,
                sector: c.sector,
                state: c.state,
                rounds,
                amount_sold,
                last_round_on: last,
            }
        })
        .collect();
    Ok(Page { rows, total, page, per_page, demo })
}

fn company_info(c: companies::Model) -> CompanyInfo {
    CompanyInfo {
        id: c.id,
        provenance: provenance(&c.source, &c.source_id, c.fetched_at, c.cik, Some(&c.source_id)),
        name: c.name,
        cik: c.cik,
        sector: c.sector,
        industry_group: c.industry_group,
        sic: c.sic,
        state: c.state,
        city: c.city,
        jurisdiction: c.jurisdiction,
        year_of_inc: c.year_of_inc,
        website: c.website,
        description: c.description,
        tickers: c.tickers,
    }
}

/// One company with its rounds, valuations, deals, IPO entry and EDGAR filings.
pub async fn company(db: &impl ConnectionTrait, id: i32) -> Result<Option<CompanyDetail>, DbErr> {
    let Some(c) = companies::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let rounds = funding_rounds::Entity::find()
        .filter(funding_rounds::Column::CompanyId.eq(id))
        .order_by_desc(funding_rounds::Column::AnnouncedOn)
        .all(db)
        .await?;
    let amount_sold = rounds.iter().filter_map(|r| r.amount_sold).sum();
    let rounds = round_rows(db, rounds).await?;
    let vals = valuations::Entity::find()
        .filter(valuations::Column::CompanyId.eq(id))
        .order_by_desc(valuations::Column::ValuedOn)
        .all(db)
        .await?;
    let valuations = valuation_rows(db, vals).await?;
    let deals = acquisitions::Entity::find()
        .filter(
            Condition::any().add(acquisitions::Column::AcquirerId.eq(id)).add(acquisitions::Column::TargetId.eq(id)),
        )
        .order_by_desc(acquisitions::Column::AnnouncedOn)
        .all(db)
        .await?;
    let acquisitions = acquisition_rows(db, deals).await?;
    let mut ipo_q = ipo_filings::Entity::find().filter(ipo_filings::Column::CompanyId.eq(id));
    if let Some(cik) = c.cik {
        ipo_q = ipo_filings::Entity::find()
            .filter(Condition::any().add(ipo_filings::Column::CompanyId.eq(id)).add(ipo_filings::Column::Cik.eq(cik)));
    }
    let ipo = match ipo_q.one(db).await? {
        Some(i) => ipo_rows(db, vec![i]).await?.pop(),
        None => None,
    };
    let filings = match c.cik {
        Some(cik) => edgar_filings::Entity::find()
            .filter(edgar_filings::Column::Cik.eq(cik))
            .order_by_desc(edgar_filings::Column::FiledOn)
            .limit(200)
            .all(db)
            .await?
            .into_iter()
            .map(|f| FilingRow {
                url: filing_url(f.cik, &f.accession),
                form: f.form,
                filed_on: f.filed_on,
                accession: f.accession,
                status: f.status,
                error: f.error,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Some(CompanyDetail { company: company_info(c), rounds, valuations, acquisitions, ipo, filings, amount_sold }))
}

async fn investor_rows(db: &impl ConnectionTrait, list: Vec<investors::Model>) -> Result<Vec<InvestorRow>, DbErr> {
    let ids: Vec<i32> = list.iter().map(|i| i.id).collect();
    let links = round_investors::Entity::find().filter(round_investors::Column::InvestorId.is_in(ids)).all(db).await?;
    let round_ids: Vec<i32> = links.iter().map(|l| l.round_id).collect();
    let rounds: HashMap<i32, (Option<f64>, NaiveDate)> = funding_rounds::Entity::find()
        .select_only()
        .column(funding_rounds::Column::Id)
        .column(funding_rounds::Column::AmountSold)
        .column(funding_rounds::Column::AnnouncedOn)
        .filter(funding_rounds::Column::Id.is_in(round_ids))
        .into_tuple::<(i32, Option<f64>, NaiveDate)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, a, d)| (id, (a, d)))
        .collect();
    let mut agg: HashMap<i32, (i64, i64, f64, Option<NaiveDate>)> = HashMap::new();
    for l in &links {
        let Some((amount, date)) = rounds.get(&l.round_id) else { continue };
        let e = agg.entry(l.investor_id).or_default();
        e.0 += 1;
        e.1 += l.is_lead as i64;
        e.2 += amount.unwrap_or(0.0);
        e.3 = Ord::max(e.3, Some(*date));
    }
    Ok(list
        .into_iter()
        .map(|i| {
            let (rounds, lead_rounds, amount_in_rounds, last_round_on) = agg.get(&i.id).copied().unwrap_or_default();
            InvestorRow {
                id: i.id,
                provenance: provenance(&i.source, &i.source_id, i.fetched_at, None, None),
                name: i.name,
                kind: i.kind,
                rounds,
                lead_rounds,
                amount_in_rounds,
                last_round_on,
            }
        })
        .collect())
}

/// Investors, optionally by name, most active first (by rounds), paged.
pub async fn investors(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<Page<InvestorRow>, DbErr> {
    let mut find = investors::Entity::find();
    if let Some(q) = q {
        find = find.filter(sea_orm::sea_query::ExprTrait::like(
            Expr::expr(Func::lower(Expr::col(investors::Column::Name))),
            format!("%{q}%"),
        ));
    }
    let all = find.all(db).await?;
    let total = all.len() as u64;
    let demo = all.iter().any(|i| i.source == DEMO);
    let mut rows = investor_rows(db, all).await?;
    rows.sort_by(|a, b| {
        b.rounds.cmp(&a.rounds).then(b.amount_in_rounds.total_cmp(&a.amount_in_rounds)).then(a.name.cmp(&b.name))
    });
    let rows = rows.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).collect();
    Ok(Page { rows, total, page, per_page, demo })
}

pub async fn investor(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<Option<InvestorDetail>, DbErr> {
    let Some(i) = investors::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let (website, city) = (i.website.clone(), i.city.clone());
    let row = investor_rows(db, vec![i]).await?.pop().expect("one investor in, one row out");
    let round_ids: Vec<i32> = round_investors::Entity::find()
        .select_only()
        .column(round_investors::Column::RoundId)
        .filter(round_investors::Column::InvestorId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let rounds = funding_rounds::Entity::find()
        .filter(funding_rounds::Column::Id.is_in(round_ids))
        .order_by_desc(funding_rounds::Column::AnnouncedOn)
        .all(db)
        .await?;
    let rounds = round_rows(db, rounds).await?;
    let managed = funds::Entity::find()
        .filter(funds::Column::ManagerId.eq(id))
        .order_by_asc(funds::Column::Vintage)
        .all(db)
        .await?;
    let funds = fund_rows(db, managed, now).await?;
    Ok(Some(InvestorDetail { investor: row, website, city, rounds, funds }))
}

async fn acquisition_rows(
    db: &impl ConnectionTrait,
    list: Vec<acquisitions::Model>,
) -> Result<Vec<AcquisitionRow>, DbErr> {
    let ids: Vec<i32> = list.iter().flat_map(|a| [a.acquirer_id, a.target_id]).flatten().collect();
    let co: HashMap<i32, (String, Option<i64>)> = companies::Entity::find()
        .filter(companies::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.name, c.cik)))
        .collect();
    Ok(list
        .into_iter()
        .map(|a| {
            let name =
                |id: Option<i32>, n: Option<String>| n.or_else(|| id.and_then(|i| co.get(&i).map(|c| c.0.clone())));
            let filer_cik =
                [a.acquirer_id, a.target_id].into_iter().flatten().find_map(|i| co.get(&i).and_then(|c| c.1));
            AcquisitionRow {
                id: a.id,
                acquirer: name(a.acquirer_id, a.acquirer_name.clone()),
                acquirer_id: a.acquirer_id,
                target: name(a.target_id, a.target_name.clone()),
                target_id: a.target_id,
                announced_on: a.announced_on,
                closed_on: a.closed_on,
                price: a.price,
                status: a.status.clone(),
                sector: a.sector.clone(),
                form_type: a.form_type.clone(),
                accession: a.accession.clone(),
                last_filing_on: a.last_filing_on,
                provenance: provenance(&a.source, &a.source_id, a.fetched_at, filer_cik, a.accession.as_deref()),
            }
        })
        .collect())
}

/// Acquisitions, newest first, optionally by status, sector and date range.
pub async fn acquisitions(
    db: &impl ConnectionTrait,
    status: Option<&str>,
    sector: Option<Sector>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: u64,
    per_page: u64,
) -> Result<Page<AcquisitionRow>, DbErr> {
    let mut c = Condition::all();
    if let Some(s) = status {
        c = c.add(acquisitions::Column::Status.eq(s));
    }
    if let Some(s) = sector {
        c = c.add(acquisitions::Column::Sector.eq(s.slug()));
    }
    if let Some(d) = from {
        c = c.add(acquisitions::Column::AnnouncedOn.gte(d));
    }
    if let Some(d) = to {
        c = c.add(acquisitions::Column::AnnouncedOn.lte(d));
    }
    let total = acquisitions::Entity::find().filter(c.clone()).count(db).await?;
    let list = acquisitions::Entity::find()
        .filter(c)
        .order_by_desc(acquisitions::Column::AnnouncedOn)
        .order_by_desc(acquisitions::Column::Id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .all(db)
        .await?;
    let demo = list.iter().any(|a| a.source == DEMO);
    Ok(Page { rows: acquisition_rows(db, list).await?, total, page, per_page, demo })
}

async fn valuation_rows(db: &impl ConnectionTrait, list: Vec<valuations::Model>) -> Result<Vec<ValuationRow>, DbErr> {
    let ids: Vec<i32> = list.iter().map(|v| v.company_id).collect();
    let co: HashMap<i32, String> = companies::Entity::find()
        .filter(companies::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(list
        .into_iter()
        .map(|v| ValuationRow {
            id: v.id,
            company_id: v.company_id,
            company: co.get(&v.company_id).cloned().unwrap_or_default(),
            valued_on: v.valued_on,
            pre_money: v.pre_money,
            post_money: v.post_money,
            basis: v.basis.clone(),
            currency: v.currency.clone(),
            round_id: v.round_id,
            provenance: provenance(&v.source, &v.source_id, v.fetched_at, None, None),
        })
        .collect())
}

/// Valuations, newest first, optionally of one company.
pub async fn valuations(
    db: &impl ConnectionTrait,
    company: Option<i32>,
    page: u64,
    per_page: u64,
) -> Result<Page<ValuationRow>, DbErr> {
    let mut c = Condition::all();
    if let Some(id) = company {
        c = c.add(valuations::Column::CompanyId.eq(id));
    }
    let total = valuations::Entity::find().filter(c.clone()).count(db).await?;
    let list = valuations::Entity::find()
        .filter(c)
        .order_by_desc(valuations::Column::ValuedOn)
        .order_by_desc(valuations::Column::Id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .all(db)
        .await?;
    let demo = list.iter().any(|v| v.source == DEMO);
    Ok(Page { rows: valuation_rows(db, list).await?, total, page, per_page, demo })
}

/// The PME index's observations, oldest first (empty when Quarry holds none yet).
async fn pme_index(db: &impl ConnectionTrait) -> Result<Vec<(NaiveDate, f64)>, DbErr> {
    let ids = crate::series::series_ids(db).await?;
    let Some(&id) = ids.get(PME_INDEX_SLUG) else { return Ok(Vec::new()) };
    Ok(crate::series::observations_between(db, id, None, None).await?.into_iter().map(|(d, v, _)| (d, v)).collect())
}

/// A fund's returns from its stored flows: calls and distributions, with the newest NAV
/// row as the residual value. Errors (no IRR, PME without index data) are said in words.
pub fn returns_view(flows: &[fund_cash_flows::Model], index: &[(NaiveDate, f64)]) -> ReturnsView {
    let cash: Vec<(NaiveDate, f64)> =
        flows.iter().filter(|f| f.kind != "nav").map(|f| (f.flow_date, f.amount)).collect();
    let nav = flows.iter().filter(|f| f.kind == "nav").max_by_key(|f| f.flow_date).map(|f| (f.flow_date, f.amount));
    let mut view = ReturnsView { pme_index: PME_INDEX_LABEL.into(), ..Default::default() };
    if cash.is_empty() {
        view.irr_note = Some("no cash flows: import the fund's calls and distributions".into());
        return view;
    }
    let (nav_date, nav_value) = nav.unwrap_or_else(|| (cash.iter().map(|c| c.0).max().expect("non-empty"), 0.0));
    view.nav = Some(nav_value);
    view.nav_as_of = nav.map(|n| n.0);
    let mut with_nav = cash.clone();
    if nav_value != 0.0 {
        with_nav.push((nav_date, nav_value));
    }
    match returns::xirr(&with_nav) {
        Ok(r) => view.irr = Some(r),
        Err(e) => view.irr_note = Some(e.to_string()),
    }
    if let Some(m) = returns::multiples(&cash, nav_value) {
        view.paid_in = Some(m.paid_in);
        view.distributed = Some(m.distributed);
        view.tvpi = Some(m.tvpi);
        view.dpi = Some(m.dpi);
        view.rvpi = Some(m.rvpi);
        view.moic = Some(m.moic);
    }
    if index.is_empty() {
        view.pme_note = Some(format!("no {PME_INDEX_LABEL} data in Quarry yet: run the macro_series job"));
    } else {
        match returns::ks_pme(&cash, (nav_date, nav_value), index) {
            Ok(p) => view.pme = Some(p),
            Err(e) => view.pme_note = Some(e.to_string()),
        }
    }
    view
}

async fn fund_rows(
    db: &impl ConnectionTrait,
    list: Vec<funds::Model>,
    _now: DateTime<Utc>,
) -> Result<Vec<FundRow>, DbErr> {
    let ids: Vec<i32> = list.iter().map(|f| f.id).collect();
    let mut flows: HashMap<i32, Vec<fund_cash_flows::Model>> = HashMap::new();
    for f in fund_cash_flows::Entity::find()
        .filter(fund_cash_flows::Column::FundId.is_in(ids))
        .order_by_asc(fund_cash_flows::Column::FlowDate)
        .all(db)
        .await?
    {
        flows.entry(f.fund_id).or_default().push(f);
    }
    let managers: Vec<i32> = list.iter().filter_map(|f| f.manager_id).collect();
    let names: HashMap<i32, String> = investors::Entity::find()
        .filter(investors::Column::Id.is_in(managers))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let index = if flows.is_empty() { Vec::new() } else { pme_index(db).await? };
    Ok(list
        .into_iter()
        .map(|f| {
            let returns = returns_view(flows.get(&f.id).map(Vec::as_slice).unwrap_or(&[]), &index);
            FundRow {
                id: f.id,
                provenance: provenance(&f.source, &f.source_id, f.fetched_at, f.cik, f.accession.as_deref()),
                name: f.name,
                cik: f.cik,
                manager: f.manager_id.and_then(|m| names.get(&m).cloned()),
                manager_id: f.manager_id,
                vintage: f.vintage,
                target_size: f.target_size,
                target_indefinite: f.target_indefinite,
                amount_raised: f.amount_raised,
                investor_count: f.investor_count,
                strategy: f.strategy,
                state: f.state,
                currency: f.currency,
                accession: f.accession,
                returns,
            }
        })
        .collect())
}

/// Every fund with its returns, by vintage (newest first).
pub async fn funds(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Page<FundRow>, DbErr> {
    let list =
        funds::Entity::find().order_by_desc(funds::Column::Vintage).order_by_asc(funds::Column::Name).all(db).await?;
    let total = list.len() as u64;
    let demo = list.iter().any(|f| f.source == DEMO);
    let rows = fund_rows(db, list, now).await?;
    Ok(Page { rows, total, page: 1, per_page: Ord::max(total, 1), demo })
}

/// One fund with its flows, holdings and a chart of cumulative calls, distributions and NAV.
pub async fn fund(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<Option<FundDetail>, DbErr> {
    let Some(f) = funds::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let demo = f.source == DEMO;
    let row = fund_rows(db, vec![f], now).await?.pop().expect("one fund in, one row out");
    let flow_models = fund_cash_flows::Entity::find()
        .filter(fund_cash_flows::Column::FundId.eq(id))
        .order_by_asc(fund_cash_flows::Column::FlowDate)
        .all(db)
        .await?;
    let holdings = fund_holdings::Entity::find().filter(fund_holdings::Column::FundId.eq(id)).all(db).await?;
    let co: HashMap<i32, String> = companies::Entity::find()
        .filter(companies::Column::Id.is_in(holdings.iter().map(|h| h.company_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut holdings: Vec<HoldingRow> = holdings
        .into_iter()
        .map(|h| HoldingRow {
            company_id: h.company_id,
            company: co.get(&h.company_id).cloned().unwrap_or_default(),
            invested: h.invested,
            realized: h.realized,
            unrealized: h.unrealized,
            moic: returns::moic(h.invested, h.realized, h.unrealized),
            as_of: h.as_of,
        })
        .collect();
    holdings.sort_by(|a, b| (b.realized + b.unrealized).total_cmp(&(a.realized + a.unrealized)));
    let flows: Vec<CashFlowRow> = flow_models
        .iter()
        .map(|f| CashFlowRow { date: f.flow_date, kind: f.kind.clone(), amount: f.amount, source: f.source.clone() })
        .collect();
    let chart_svg = super::chart::cash_flow_svg(&row.name, &flows, demo).unwrap_or_default();
    Ok(Some(FundDetail { fund: row, flows, holdings, chart_svg }))
}

async fn ipo_rows(db: &impl ConnectionTrait, list: Vec<ipo_filings::Model>) -> Result<Vec<IpoRow>, DbErr> {
    let ids: Vec<i32> = list.iter().map(|i| i.id).collect();
    let mut events: HashMap<i32, Vec<IpoEventRow>> = HashMap::new();
    let ciks: HashMap<i32, Option<i64>> = list.iter().map(|i| (i.id, i.cik)).collect();
    for e in ipo_events::Entity::find()
        .filter(ipo_events::Column::IpoId.is_in(ids))
        .order_by_asc(ipo_events::Column::FiledOn)
        .order_by_asc(ipo_events::Column::Id)
        .all(db)
        .await?
    {
        let cik = ciks.get(&e.ipo_id).copied().flatten();
        let url = cik.filter(|_| !e.accession.starts_with("DEMO")).map(|c| filing_url(c, &e.accession));
        events.entry(e.ipo_id).or_default().push(IpoEventRow {
            form: e.form,
            filed_on: e.filed_on,
            accession: e.accession,
            status: e.status,
            url,
        });
    }
    Ok(list
        .into_iter()
        .map(|i| IpoRow {
            id: i.id,
            events: events.remove(&i.id).unwrap_or_default(),
            provenance: provenance(&i.source, &i.source_id, i.fetched_at, i.cik, Some(&i.accession)),
            company: i.company_name,
            company_id: i.company_id,
            cik: i.cik,
            sector: i.sector,
            form: i.form,
            status: i.status,
            filed_on: i.filed_on,
            last_event_on: i.last_event_on,
            priced_on: i.priced_on,
            withdrawn_on: i.withdrawn_on,
            amendments: i.amendments,
            price_low: i.price_low,
            price_high: i.price_high,
            shares_offered: i.shares_offered,
            offering_amount: i.offering_amount,
            terms_source: match (i.terms_form, i.terms_accession, i.terms_filed_on) {
                (Some(form), Some(accession), Some(filed_on)) => Some(IpoTermsSource {
                    url: i.cik.filter(|_| !accession.starts_with("DEMO")).map(|c| filing_url(c, &accession)),
                    form,
                    filed_on,
                    accession,
                }),
                _ => None,
            },
            accession: i.accession,
        })
        .collect())
}

/// The IPO pipeline grouped by status, each group newest first.
pub async fn ipo_pipeline(db: &impl ConnectionTrait, status: Option<&str>) -> Result<IpoPipeline, DbErr> {
    let mut q = ipo_filings::Entity::find();
    if let Some(s) = status {
        q = q.filter(ipo_filings::Column::Status.eq(s));
    }
    let list = q.order_by_desc(ipo_filings::Column::LastEventOn).order_by_asc(ipo_filings::Column::Id).all(db).await?;
    let demo = list.iter().any(|i| i.source == DEMO);
    let data_through = list.iter().map(|i| i.last_event_on).max();
    let total = list.len() as u64;
    let mut rows = ipo_rows(db, list).await?;
    let groups = IPO_STATUSES
        .iter()
        .filter(|s| status.is_none_or(|x| x == **s))
        .map(|s| IpoStatusGroup {
            status: s.to_string(),
            label: ipo_status_label(s).into(),
            rows: {
                let (mine, rest): (Vec<_>, Vec<_>) =
                    std::mem::take(&mut rows).into_iter().partition(|r| r.status == *s);
                rows = rest;
                mine
            },
        })
        .collect();
    Ok(IpoPipeline { groups, total, demo, data_through })
}

pub fn ipo_status_label(s: &str) -> &'static str {
    match s {
        "filed" => "Filed (S-1 / F-1)",
        "amended" => "Amended (S-1/A, F-1/A)",
        "priced" => "Priced (424B4)",
        "withdrawn" => "Withdrawn (RW)",
        _ => "Other",
    }
}
