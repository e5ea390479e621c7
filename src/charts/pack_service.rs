//! Reads what the chart pack needs, renders it, and keeps it: the PDF under
//! `{data_dir}/packs/` and a `chart_packs` row per pack day (a re-run replaces both).
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::model::{PackInfo, PackList};
use super::pack::{self, Body, LatestRow, PackData, SeriesData, SignalRows, VentureData};
use crate::db::entities::{chart_packs, funding_rounds, ipo_filings, observations, series, signals};
use crate::universe::{source_label, Frequency};

/// Every series a page reads, by slug.
pub const PACK_SERIES: [&str; 16] = [
    "walcl",
    "wtregen",
    "rrpontsyd",
    "sp500",
    "dff",
    "cpiaucsl",
    "dtwexbgs",
    "dgs10",
    "dfii10",
    "bamlh0a0hym2",
    "vixcls",
    "pallfnfindexm",
    "gold",
    "copper",
    "wti",
    "brent",
];

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("{0}")]
    Chart(#[from] crate::plot::ChartError),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

async fn series_data(db: &impl ConnectionTrait, slug: &str, from: NaiveDate) -> Result<Option<SeriesData>, DbErr> {
    let Some(row) = series::Entity::find().filter(series::Column::Slug.eq(slug)).one(db).await? else {
        return Ok(None);
    };
    let obs: Vec<(NaiveDate, f64, String)> = observations::Entity::find()
        .select_only()
        .columns([observations::Column::Date, observations::Column::Value, observations::Column::Source])
        .filter(observations::Column::SeriesId.eq(row.id))
        .filter(observations::Column::Date.gte(from))
        .order_by_asc(observations::Column::Date)
        .into_tuple()
        .all(db)
        .await?;
    let mut sources: Vec<String> = obs.iter().map(|o| source_label(&o.2).to_string()).collect();
    sources.sort();
    sources.dedup();
    Ok(Some(SeriesData {
        name: row.name,
        unit: row.unit,
        frequency: Frequency::parse(&row.frequency).unwrap_or(Frequency::Daily),
        sources,
        points: obs.into_iter().map(|(d, v, _)| (d, v)).collect(),
    }))
}

async fn signal_rows(db: &impl ConnectionTrait, slug: &str, from: NaiveDate) -> Result<SignalRows, DbErr> {
    let Some(id) = crate::series::series_ids(db).await?.get(slug).copied() else {
        return Ok(Vec::new());
    };
    use signals::Column as C;
    signals::Entity::find()
        .select_only()
        .columns([C::Date, C::Close, C::Sma50, C::Sma200, C::Rsi14])
        .filter(C::SeriesId.eq(id))
        .filter(C::Date.gte(from))
        .order_by_asc(C::Date)
        .into_tuple()
        .all(db)
        .await
}

/// Everything the pack draws, as of `today`.
pub async fn load(
    db: &impl ConnectionTrait,
    universe: &crate::universe::Universe,
    today: NaiveDate,
) -> Result<PackData, DbErr> {
    // Eleven years: ten drawn, plus the year a year-on-year change looks back on.
    let from = today.checked_sub_months(Months::new(132)).unwrap_or(today);
    let mut series = HashMap::new();
    for slug in PACK_SERIES {
        if let Some(s) = series_data(db, slug, from).await?.filter(|s| !s.points.is_empty()) {
            series.insert(slug.to_string(), s);
        }
    }
    let sig_from = today.checked_sub_months(Months::new(30)).unwrap_or(today);
    let mut signals = HashMap::new();
    for slug in ["wti", "brent"] {
        signals.insert(slug.to_string(), signal_rows(db, slug, sig_from).await?);
    }
    let ov = crate::commodities::service::overview(db, universe, Some("ai-materials"), Utc::now()).await?;
    let ai_materials = ov
        .instruments
        .into_iter()
        .map(|e| LatestRow {
            name: e.name,
            unit: e.unit,
            frequency: e.frequency,
            last: e.last_value,
            as_of: e.as_of,
            change_1y: e.change_1y,
            source: e.source_label,
        })
        .collect();
    let venture = venture_data(db, from).await?;
    Ok(PackData { date: today, built_at: Utc::now(), series, signals, ai_materials, venture })
}

/// What the chart pack's venture pages draw since `from`: each Form D round's date and
/// amount sold (rounds of unknown amount count with zero dollars), and the dates IPO
/// registrations were filed and priced. `None` when there is nothing to draw.
pub async fn venture_data(db: &impl ConnectionTrait, from: NaiveDate) -> Result<Option<VentureData>, DbErr> {
    let rounds: Vec<(NaiveDate, Option<f64>, String)> = funding_rounds::Entity::find()
        .select_only()
        .column(funding_rounds::Column::AnnouncedOn)
        .column(funding_rounds::Column::AmountSold)
        .column(funding_rounds::Column::Source)
        .filter(funding_rounds::Column::AnnouncedOn.gte(from))
        .filter(funding_rounds::Column::Source.ne("import"))
        .order_by_asc(funding_rounds::Column::AnnouncedOn)
        .into_tuple()
        .all(db)
        .await?;
    let ipos = ipo_filings::Entity::find().filter(ipo_filings::Column::FiledOn.gte(from)).all(db).await?;
    if rounds.is_empty() && ipos.is_empty() {
        return Ok(None);
    }
    let demo = rounds.iter().any(|r| r.2 == crate::venture::service::DEMO)
        || ipos.iter().any(|i| i.source == crate::venture::service::DEMO);
    let mut ipo_filed: Vec<NaiveDate> = ipos.iter().map(|i| i.filed_on).collect();
    let mut ipo_priced: Vec<NaiveDate> = ipos.iter().filter_map(|i| i.priced_on).collect();
    ipo_filed.sort();
    ipo_priced.sort();
    Ok(Some(VentureData {
        form_d: rounds.into_iter().map(|(d, a, _)| (d, a.unwrap_or(0.0))).collect(),
        ipo_filed,
        ipo_priced,
        demo,
    }))
}

/// The file name of a pack day, under `{data_dir}/packs/`.
pub fn file_name(date: NaiveDate) -> String {
    format!("packs/quarry-chart-pack-{date}.pdf")
}

/// A rendered pack: the PDF bytes and what it was made of.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub data_as_of: Option<NaiveDate>,
    pub demo: bool,
    pub missing_pages: Vec<i32>,
    pub render_ms: u128,
}

/// Loads and renders the pack for `today` (no writes).
pub async fn render(
    db: &impl ConnectionTrait,
    universe: &crate::universe::Universe,
    today: NaiveDate,
) -> Result<Rendered, PackError> {
    let data = load(db, universe, today).await?;
    let started = std::time::Instant::now();
    let pages = pack::pages(&data);
    let svgs = pack::render(&data)?;
    let pdf = crate::plot::pdf::svgs_to_pdf(&svgs)?;
    Ok(Rendered {
        pages: svgs.len(),
        data_as_of: pages.iter().filter_map(|p| p.as_of).max(),
        demo: pages.iter().any(|p| p.demo),
        missing_pages: pages
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p.body, Body::Missing(_)))
            .map(|(i, _)| i as i32 + 2)
            .collect(),
        render_ms: started.elapsed().as_millis(),
        pdf,
    })
}

/// Renders the pack for `today`, writes it under `data_dir` and records it (replacing that
/// day's earlier pack). The file is written to a temporary name and renamed, so a reader
/// never sees half a PDF.
pub async fn generate(
    db: &impl ConnectionTrait,
    universe: &crate::universe::Universe,
    data_dir: &Path,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(PackInfo, Vec<u8>), PackError> {
    let r = render(db, universe, today).await?;
    let rel = file_name(today);
    let path = data_dir.join(&rel);
    let io = |path: &PathBuf| {
        let p = path.display().to_string();
        move |source| PackError::Io { path: p, source }
    };
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io(&dir.to_path_buf()))?;
    }
    let tmp = path.with_extension("pdf.part");
    tokio::fs::write(&tmp, &r.pdf).await.map_err(io(&tmp))?;
    tokio::fs::rename(&tmp, &path).await.map_err(io(&path))?;
    let missing = r.missing_pages.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(",");
    let row = chart_packs::ActiveModel {
        pack_date: Set(today),
        created_at: Set(now),
        path: Set(rel),
        bytes: Set(r.pdf.len() as i64),
        pages: Set(r.pages as i32),
        render_ms: Set(r.render_ms.min(i32::MAX as u128) as i32),
        data_as_of: Set(r.data_as_of),
        demo: Set(r.demo),
        missing_pages: Set(missing),
        ..Default::default()
    };
    use chart_packs::Column as C;
    chart_packs::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::PackDate)
                .update_columns([
                    C::CreatedAt,
                    C::Path,
                    C::Bytes,
                    C::Pages,
                    C::RenderMs,
                    C::DataAsOf,
                    C::Demo,
                    C::MissingPages,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let info = list(db, 1).await?.packs.into_iter().next().expect("the pack was just recorded");
    Ok((info, r.pdf))
}

fn info(m: chart_packs::Model) -> PackInfo {
    PackInfo {
        url: format!("/api/charts/pack/{}.pdf", m.pack_date),
        date: m.pack_date,
        created_at: m.created_at,
        pages: m.pages,
        bytes: m.bytes,
        render_ms: m.render_ms,
        data_as_of: m.data_as_of,
        demo: m.demo,
        missing_pages: m.missing_pages.split(',').filter_map(|p| p.parse().ok()).collect(),
    }
}

/// The kept packs, newest first.
pub async fn list(db: &impl ConnectionTrait, limit: u64) -> Result<PackList, DbErr> {
    let rows = chart_packs::Entity::find().order_by_desc(chart_packs::Column::PackDate).limit(limit).all(db).await?;
    let packs: Vec<PackInfo> = rows.into_iter().map(info).collect();
    let latest_url = (!packs.is_empty()).then(|| "/api/charts/pack/latest.pdf".to_string());
    Ok(PackList { packs, latest_url })
}

/// The file of one pack day (`None` for the latest).
pub async fn file(
    db: &impl ConnectionTrait,
    data_dir: &Path,
    date: Option<NaiveDate>,
) -> Result<Option<(NaiveDate, PathBuf)>, DbErr> {
    let mut q = chart_packs::Entity::find();
    if let Some(d) = date {
        q = q.filter(chart_packs::Column::PackDate.eq(d));
    }
    let row = q.order_by_desc(chart_packs::Column::PackDate).one(db).await?;
    Ok(row.map(|r| (r.pack_date, data_dir.join(r.path))))
}
