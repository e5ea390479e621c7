//! The commodities overview and staleness, read through the series queries (server only).
use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use super::changes::{percent_change, reach, sparkline_window, Period};
use super::model::{judge, Freshness, History, Overview, OverviewEntry, DEMO_NOTICE};
use crate::series::kept::Kept;
use crate::series::{demo_latest, latest_dates, latest_failures, observations_between, series_ids};
use crate::universe::{source_label, Frequency, Instrument, Universe};

/// Overviews by group (`None`: every instrument), kept on the state's shelf.
pub type OverviewCache = Kept<Option<String>, Overview>;
/// Histories by instrument and query.
pub type HistoryCache = Kept<String, History>;

const SPARKLINE_POINTS: usize = 60;

/// What judging freshness needs, read once per answer: four small queries, none over the
/// observations' history.
struct Facts {
    ids: HashMap<String, i32>,
    latest: HashMap<i32, NaiveDate>,
    failures: HashMap<i32, (String, DateTime<Utc>)>,
    demo: HashMap<i32, NaiveDate>,
    /// The demo's own as-of date: the newest demo day over every demo series.
    demo_day: Option<NaiveDate>,
}

impl Facts {
    async fn read(db: &impl ConnectionTrait) -> Result<Facts, DbErr> {
        let demo = demo_latest(db).await?;
        Ok(Facts {
            ids: series_ids(db).await?,
            latest: latest_dates(db).await?,
            failures: latest_failures(db).await?,
            demo_day: demo.values().max().copied(),
            demo,
        })
    }

    /// How fresh `inst` is with its newest observation on `as_of`, and why not when stale.
    fn judge(&self, inst: &Instrument, as_of: Option<NaiveDate>, today: NaiveDate) -> (Freshness, Option<String>) {
        let id = self.ids.get(&inst.slug);
        let failure = id.and_then(|id| self.failures.get(id)).map(|(e, at)| (e.as_str(), *at));
        let demo_as_of = id.filter(|id| self.demo.contains_key(id)).and(self.demo_day);
        judge(inst.frequency, as_of, today, failure, demo_as_of)
    }
}

/// The commodities overview: every instrument of the universe (or of one group), in
/// universe order, with what the database holds for it.
pub async fn overview(
    db: &impl ConnectionTrait,
    universe: &Universe,
    group: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Overview, DbErr> {
    overview_in(db, universe, group.map_or(Scope::All, Scope::Group), now).await
}

/// Which instruments a query covers: all, one group, or one instrument (the detail answer
/// asks for one, and should not pay for its whole group).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Group(&'a str),
    Instrument(&'a str),
}

impl Scope<'_> {
    pub fn includes(&self, inst: &crate::universe::Instrument) -> bool {
        match self {
            Scope::All => true,
            Scope::Group(g) => inst.group == *g,
            Scope::Instrument(s) => inst.slug == *s,
        }
    }
}

/// The overview of the instruments in `scope`.
pub async fn overview_in(
    db: &impl ConnectionTrait,
    universe: &Universe,
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> Result<Overview, DbErr> {
    let facts = Facts::read(db).await?;
    let today = now.date_naive();
    let mut instruments = Vec::new();
    for inst in universe.instruments.iter().filter(|i| scope.includes(i)) {
        let mut entry = OverviewEntry::without_data(inst);
        let last_date = facts.ids.get(&inst.slug).and_then(|id| facts.latest.get(id).map(|d| (*id, *d)));
        if let Some((id, last_date)) = last_date {
            // Every observation a change can read, and the sparkline's span (ten years of an
            // annual series).
            let months = if inst.frequency == Frequency::Annual { 120 } else { 12 };
            let spark_from = last_date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN);
            let from = reach(last_date).min(spark_from);
            let rows = observations_between(db, id, Some(from), None).await?;
            let points: Vec<(NaiveDate, f64)> = rows.iter().map(|(d, v, _)| (*d, *v)).collect();
            if let Some((d, v, src)) = rows.last() {
                entry.last_value = Some(*v);
                entry.as_of = Some(*d);
                entry.source_label = Some(source_label(src).to_string());
                entry.source = Some(src.clone());
            }
            entry.change_1d = percent_change(&points, inst.frequency, Period::Day);
            entry.change_1m = percent_change(&points, inst.frequency, Period::Month);
            entry.change_1y = percent_change(&points, inst.frequency, Period::Year);
            let spark = sparkline_window(&points, inst.frequency, SPARKLINE_POINTS);
            entry.sparkline_from = spark.first().map(|(d, _)| *d);
            entry.sparkline = spark.into_iter().map(|(_, v)| v).collect();
        }
        (entry.freshness, entry.stale_reason) = facts.judge(inst, entry.as_of, today);
        entry.stale = entry.stale_reason.is_some();
        instruments.push(entry);
    }
    let demo = instruments.iter().any(|e| e.is_demo());
    Ok(Overview {
        generated_at: now,
        demo,
        notice: demo.then(|| DEMO_NOTICE.to_string()),
        offline_notice: None,
        groups: universe
            .groups
            .iter()
            .filter(|g| match scope {
                Scope::All => true,
                Scope::Group(s) => g.slug == s,
                Scope::Instrument(_) => instruments.iter().any(|e| e.group == g.slug),
            })
            .cloned()
            .collect(),
        instruments,
    })
}

/// Every instrument that is stale, with the reason: the freshness facts alone, nothing over
/// the observations' history (the jobs page asks this, not for the whole overview).
pub async fn stale_instruments(
    db: &impl ConnectionTrait,
    universe: &Universe,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String, String)>, DbErr> {
    let facts = Facts::read(db).await?;
    let today = now.date_naive();
    Ok(universe
        .instruments
        .iter()
        .filter_map(|inst| {
            let id = facts.ids.get(&inst.slug)?;
            let (_, reason) = facts.judge(inst, facts.latest.get(id).copied(), today);
            Some((inst.slug.clone(), inst.name.clone(), reason?))
        })
        .collect())
}
