//! Demo data for the venture models: generated, plausible companies, rounds, investors,
//! valuations, funds with cash flows and holdings, acquisitions and IPO filings, so an
//! offline machine shows every venture page populated. Every row has source `demo`,
//! source id `demo` and a `demo:` key; demo companies and funds have no CIK and demo rows
//! no SEC accession (IPO events use `DEMO-000001`, ...), so nothing can pass for a filing.
//!
//! [`generate`] is pure and deterministic for a seed. Dates are offsets back from `today`,
//! so the demo always looks current, while what is drawn (names, stages, amounts,
//! investors) does not depend on the day. Fund cash flows sit on calendar quarter ends from
//! the fund's vintage: a later day only appends quarters and moves the NAV row.
//!
//! Writing it to the database, and giving way to real data, is `venture_store`'s part.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use super::rng::{seed as slug_seed, Rng};
use crate::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_rounds, funds, investors, ipo_events, ipo_filings,
    valuations,
};
use crate::venture::sector::Sector;
use crate::venture::upsert;

/// The source, source id and form type of every demo row.
pub const DEMO: &str = "demo";
/// The seed of the demo Quarry shows.
pub const DEMO_SEED: u64 = 0x5155_4152_5259_0001;

const COMPANIES: usize = 60;
/// Rounds are drawn over this many days back from today.
const HISTORY_DAYS: f64 = 6.0 * 365.0;
/// The stage ladder a company climbs, one rung a round; `series-d+` (D, E, F...) and
/// `growth` are open-ended and may repeat. `debt` and `grant` rounds happen beside it.
const LADDER: [&str; 7] = ["pre-seed", "seed", "series-a", "series-b", "series-c", "series-d+", "growth"];
/// Median amount sold per ladder stage, dollars (log-normal around it).
const MEDIAN: [f64; 7] = [0.8e6, 2.0e6, 12.0e6, 35.0e6, 80.0e6, 200.0e6, 300.0e6];
const VINTAGES: [i32; 8] = [2012, 2014, 2015, 2017, 2018, 2019, 2021, 2022];
/// Quarters of a fund's life drawn (25 years, past any vintage's end); calls stop before
/// distributions start, so a fund's flows change sign once and its IRR is unique.
const FUND_QUARTERS: usize = 100;
const CALL_QUARTERS: usize = 18;
const IPO_STATUSES: [(&str, usize); 4] = [("filed", 4), ("amended", 4), ("priced", 4), ("withdrawn", 3)];
const ACQUISITION_STATUSES: [(&str, usize); 4] = [("completed", 5), ("pending", 3), ("announced", 2), ("withdrawn", 2)];

/// Everything the demo holds, before it has database ids: links between rows are indexes
/// into `companies` and `investors`.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    pub companies: Vec<companies::Model>,
    pub investors: Vec<investors::Model>,
    pub rounds: Vec<DemoRound>,
    pub funds: Vec<DemoFund>,
    pub acquisitions: Vec<DemoAcquisition>,
    pub ipos: Vec<DemoIpo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoRound {
    pub company: usize,
    pub round: funding_rounds::Model,
    /// (investor index, is lead); the lead comes first.
    pub investors: Vec<(usize, bool)>,
    /// The round's post-money valuation, when the demo discloses one.
    pub valuation: Option<valuations::Model>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoFund {
    pub fund: funds::Model,
    pub manager: usize,
    pub flows: Vec<fund_cash_flows::Model>,
    pub holdings: Vec<(usize, fund_holdings::Model)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoAcquisition {
    pub acquisition: acquisitions::Model,
    /// A demo company, or `None` for an outside acquirer known by name only.
    pub acquirer: Option<usize>,
    pub target: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoIpo {
    pub company: usize,
    pub ipo: ipo_filings::Model,
    /// Oldest first; the last one's status is the filing's.
    pub events: Vec<ipo_events::Model>,
}

const SYLLABLES: [&str; 30] = [
    "ka", "vo", "lix", "ner", "da", "mo", "ri", "zen", "ta", "qua", "bel", "sor", "vi", "tra", "no", "lum", "pe",
    "dex", "ora", "cy", "fen", "gal", "hy", "ion", "jor", "kel", "mar", "nyx", "ost", "pra",
];

/// (state, weight, cities)
const STATES: [(&str, u32, &[&str]); 15] = [
    ("CA", 30, &["San Francisco", "Palo Alto", "San Diego", "Los Angeles", "Mountain View"]),
    ("NY", 14, &["New York", "Brooklyn"]),
    ("MA", 10, &["Boston", "Cambridge"]),
    ("TX", 8, &["Austin", "Houston", "Dallas"]),
    ("WA", 6, &["Seattle", "Bellevue"]),
    ("CO", 4, &["Denver", "Boulder"]),
    ("IL", 4, &["Chicago"]),
    ("FL", 4, &["Miami", "Tampa"]),
    ("NC", 3, &["Durham", "Raleigh"]),
    ("UT", 3, &["Salt Lake City", "Lehi"]),
    ("GA", 3, &["Atlanta"]),
    ("PA", 3, &["Pittsburgh", "Philadelphia"]),
    ("NJ", 2, &["Princeton", "Newark"]),
    ("MN", 2, &["Minneapolis"]),
    ("OR", 2, &["Portland"]),
];

/// Companies are spread over every sector but pooled funds (the demo funds are those).
const COMPANY_SECTORS: [(Sector, u32); 10] = [
    (Sector::AiSoftware, 22),
    (Sector::Biotech, 12),
    (Sector::Health, 9),
    (Sector::Fintech, 12),
    (Sector::Energy, 9),
    (Sector::Hardware, 9),
    (Sector::Consumer, 8),
    (Sector::Industrial, 8),
    (Sector::RealEstate, 5),
    (Sector::Other, 6),
];

fn sector_words(s: Sector) -> (&'static [&'static str], &'static str) {
    match s {
        Sector::AiSoftware => (&["AI", "Labs", "Systems", "Cloud", "Data", "Software"], "Other Technology"),
        Sector::Biotech => (&["Therapeutics", "Bio", "Genomics", "Pharma"], "Biotechnology"),
        Sector::Health => (&["Health", "Care", "Medical", "Diagnostics"], "Other Health Care"),
        Sector::Fintech => (&["Pay", "Finance", "Ledger", "Markets"], "Other Banking and Financial Services"),
        Sector::Energy => (&["Energy", "Power", "Solar", "Grid", "Hydrogen"], "Other Energy"),
        Sector::Hardware => (&["Semiconductor", "Devices", "Robotics", "Photonics"], "Computers"),
        Sector::Consumer => (&["Goods", "Travel", "Foods", "Home"], "Retailing"),
        Sector::Industrial => (&["Manufacturing", "Logistics", "Materials", "Aerospace"], "Manufacturing"),
        Sector::RealEstate => (&["Properties", "Homes", "Realty"], "Commercial"),
        Sector::Funds | Sector::Other => (&["Holdings", "Group", "Collective"], "Other"),
    }
}

fn pick(rng: &mut Rng, n: usize) -> usize {
    ((rng.uniform() * n as f64) as usize).min(n.saturating_sub(1))
}

fn between(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.uniform()
}

fn int(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    lo + pick(rng, (hi - lo + 1) as usize) as i64
}

fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.uniform() * f64::from(total);
    for (i, w) in weights.iter().enumerate() {
        x -= f64::from(*w);
        if x < 0.0 {
            return i;
        }
    }
    weights.len() - 1
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A made-up word of two or three syllables, not yet in `used`.
fn word(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let n = if rng.uniform() < 0.3 { 3 } else { 2 };
        let parts: Vec<&str> = (0..n).map(|_| SYLLABLES[pick(rng, SYLLABLES.len())]).collect();
        // "Nyxnyx" reads as a stutter, not a name.
        if parts.windows(2).any(|p| p[0] == p[1]) {
            continue;
        }
        let w = capitalize(&parts.concat());
        if used.insert(w.clone()) {
            return w;
        }
    }
}

/// Dollars rounded the way rounds are reported: to $10k under $10M, else to $100k.
fn round_money(x: f64) -> f64 {
    let step = if x < 10e6 { 10_000.0 } else { 100_000.0 };
    ((x / step).round() * step).max(step)
}

fn days_before(today: NaiveDate, days: i64) -> NaiveDate {
    today - Days::new(days.max(0) as u64)
}

/// The last calendar quarter end on or before `d`.
pub fn last_quarter_end(d: NaiveDate) -> NaiveDate {
    let q_end = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, if m == 3 || m == 12 { 31 } else { 30 }).expect("valid");
    let this = q_end(d.year(), ((d.month() - 1) / 3 + 1) * 3);
    if this <= d {
        this
    } else if d.month() <= 3 {
        q_end(d.year() - 1, 12)
    } else {
        q_end(d.year(), ((d.month() - 1) / 3) * 3)
    }
}

/// The `n`th quarter end counted from the end of Q1 of `year` (n = 0).
fn quarter_end(year: i32, n: usize) -> NaiveDate {
    let y = year + (n / 4) as i32;
    let m = ((n % 4) as u32 + 1) * 3;
    NaiveDate::from_ymd_opt(y, m, if m == 3 || m == 12 { 31 } else { 30 }).expect("valid")
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"][n.min(7)]
}

/// The demo for `seed`, with dates counted back from `today` and `fetched_at` as the
/// provenance time of every row.
pub fn generate(seed: u64, today: NaiveDate, fetched_at: DateTime<Utc>) -> DemoData {
    let mut rng = Rng(seed);
    let mut used = HashSet::new();
    let companies = gen_companies(&mut rng, &mut used, today, fetched_at);
    let investors = gen_investors(&mut rng, &mut used, fetched_at);
    let mut data = DemoData {
        companies,
        investors,
        rounds: Vec::new(),
        funds: Vec::new(),
        acquisitions: Vec::new(),
        ipos: Vec::new(),
    };
    gen_rounds(&mut rng, &mut data, today, fetched_at);
    gen_acquisitions(&mut rng, &mut used, &mut data, today, fetched_at);
    gen_ipos(&mut rng, seed, &mut data, today, fetched_at);
    gen_funds(&mut rng, seed, &mut data, today, fetched_at);
    data
}

fn gen_companies(
    rng: &mut Rng,
    used: &mut HashSet<String>,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Vec<companies::Model> {
    let weights: Vec<u32> = COMPANY_SECTORS.iter().map(|s| s.1).collect();
    let state_weights: Vec<u32> = STATES.iter().map(|s| s.1).collect();
    (0..COMPANIES)
        .map(|i| {
            // The first ten take one sector each, so every sector is present.
            let sector = if i < COMPANY_SECTORS.len() {
                COMPANY_SECTORS[i].0
            } else {
                COMPANY_SECTORS[weighted(rng, &weights)].0
            };
            let (suffixes, group) = sector_words(sector);
            let core = word(rng, used);
            let name = format!("{core} {}, Inc.", suffixes[pick(rng, suffixes.len())]);
            let (state, _, cities) = STATES[weighted(rng, &state_weights)];
            let city = cities[pick(rng, cities.len())];
            let slug = upsert::slug(&name);
            companies::Model {
                id: 0,
                key: format!("demo:company:{slug}"),
                cik: None,
                name_key: upsert::name_key(&name),
                name,
                sector: sector.slug().to_string(),
                state: Some(state.to_string()),
                city: Some(city.to_string()),
                jurisdiction: Some(if rng.uniform() < 0.85 { "Delaware".to_string() } else { state.to_string() }),
                // Set from the first round below.
                year_of_inc: Some(today.year()),
                sic: None,
                industry_group: Some(group.to_string()),
                website: Some(format!("https://{}.example", core.to_lowercase())),
                description: Some(format!("Generated demo company: a {} start-up in {city}, {state}.", sector.label())),
                tickers: None,
                source: DEMO.into(),
                source_id: DEMO.into(),
                fetched_at: at,
            }
        })
        .collect()
}

/// Investor kinds and how many of each.
const INVESTOR_KINDS: [(&str, usize, &[&str]); 5] = [
    ("venture capital", 20, &["Ventures", "Capital", "Partners", "Venture Partners"]),
    ("corporate", 6, &["Corporate Ventures", "Strategic Ventures"]),
    ("angel", 6, &[]),
    ("accelerator", 3, &["Launchpad", "Foundry", "Accelerator"]),
    ("growth", 5, &["Growth Equity", "Crossover Partners", "Growth Partners"]),
];
const FIRST_NAMES: [&str; 12] =
    ["Mara", "Theo", "Ines", "Callum", "Priya", "Odile", "Rafe", "Sunniva", "Joaquin", "Wren", "Anouk", "Idris"];
const INVESTOR_CITIES: [&str; 7] =
    ["San Francisco", "Menlo Park", "New York", "Boston", "Austin", "Seattle", "Los Angeles"];

fn gen_investors(rng: &mut Rng, used: &mut HashSet<String>, at: DateTime<Utc>) -> Vec<investors::Model> {
    let mut out = Vec::new();
    for (kind, n, suffixes) in INVESTOR_KINDS {
        for _ in 0..n {
            let core = word(rng, used);
            let name = if kind == "angel" {
                format!("{} {core}", FIRST_NAMES[pick(rng, FIRST_NAMES.len())])
            } else {
                format!("{core} {}", suffixes[pick(rng, suffixes.len())])
            };
            let slug = upsert::slug(&name);
            out.push(investors::Model {
                id: 0,
                key: format!("demo:investor:{slug}"),
                name,
                kind: kind.to_string(),
                website: (kind != "angel").then(|| format!("https://{}.example", core.to_lowercase())),
                city: Some(INVESTOR_CITIES[pick(rng, INVESTOR_CITIES.len())].to_string()),
                source: DEMO.into(),
                source_id: DEMO.into(),
                fetched_at: at,
            });
        }
    }
    out
}

fn investors_of_kind(data: &DemoData, kinds: &[&str]) -> Vec<usize> {
    data.investors.iter().enumerate().filter(|(_, i)| kinds.contains(&i.kind.as_str())).map(|(n, _)| n).collect()
}

fn gen_rounds(rng: &mut Rng, data: &mut DemoData, today: NaiveDate, at: DateTime<Utc>) {
    let early = investors_of_kind(data, &["venture capital", "angel", "accelerator"]);
    let venture = investors_of_kind(data, &["venture capital", "corporate"]);
    let late = investors_of_kind(data, &["growth", "venture capital", "corporate"]);
    let vc = investors_of_kind(data, &["venture capital"]);
    let mut rounds = Vec::new();
    for (ci, company) in data.companies.iter_mut().enumerate() {
        let sector = Sector::from_slug(&company.sector).unwrap_or(Sector::Other);
        // Older companies are more common than new ones (density grows with the square of
        // age), so the ladder is well populated.
        let mut offset = HISTORY_DAYS * rng.uniform().cbrt();
        let mut ladder = weighted(rng, &[25, 50, 25]);
        let slug = company.key.trim_start_matches("demo:company:").to_string();
        let mut previous: Vec<usize> = Vec::new();
        // The last disclosed post-money: each priced round is an up round on it.
        let mut last_post = 0.0;
        let mut n = 0;
        let mut first = true;
        while offset >= 0.0 {
            let announced = days_before(today, offset as i64);
            if first {
                company.year_of_inc = Some(announced.year() - int(rng, 0, 2) as i32);
            }
            let side = rng.uniform();
            let (stage, median) = if !first && side < 0.08 {
                ("debt", MEDIAN[ladder] * 0.3)
            } else if !first && side < 0.12 && matches!(sector, Sector::Biotech | Sector::Energy | Sector::Health) {
                ("grant", 1.5e6)
            } else {
                if !first {
                    // Series D+ may raise again as D+ before a growth round.
                    ladder = if ladder == 5 && rng.uniform() < 0.5 { 5 } else { (ladder + 1).min(LADDER.len() - 1) };
                }
                (LADDER[ladder], MEDIAN[ladder])
            };
            first = false;
            n += 1;
            let sold = round_money(median * (0.55 * rng.normal()).exp());
            let recent = offset < 75.0;
            let yet_to_occur = recent && rng.uniform() < 0.35;
            let indefinite = rng.uniform() < 0.07;
            let offered = (!indefinite).then(|| round_money(sold * between(rng, 1.0, 1.25)));
            let amount_sold = if yet_to_occur { 0.0 } else { sold };
            let first_sale = (!yet_to_occur).then(|| days_before(announced, int(rng, 0, 45)));
            let (pool, count) = match stage {
                "pre-seed" => (&early, int(rng, 1, 2)),
                "seed" => (&early, int(rng, 1, 4)),
                "series-a" | "series-b" => (&venture, int(rng, 2, 5)),
                "series-c" => (&venture, int(rng, 2, 6)),
                "series-d+" | "growth" => (&late, int(rng, 2, 5)),
                "debt" => (&vc, 1),
                _ => (&vc, 0),
            };
            let mut chosen: Vec<usize> = Vec::new();
            // Earlier investors often follow on.
            if count > 1 && !previous.is_empty() && rng.uniform() < 0.5 {
                chosen.push(previous[pick(rng, previous.len())]);
            }
            while (chosen.len() as i64) < count {
                let c = pool[pick(rng, pool.len())];
                if !chosen.contains(&c) {
                    chosen.push(c);
                }
            }
            // The lead is a new investor when there is one (follow-ons rarely lead).
            let lead = chosen.len().saturating_sub(1);
            let investors: Vec<(usize, bool)> = if chosen.is_empty() {
                Vec::new()
            } else {
                let mut v = vec![(chosen[lead], true)];
                v.extend(chosen.iter().enumerate().filter(|(i, _)| *i != lead).map(|(_, c)| (*c, false)));
                v
            };
            if stage != "debt" && stage != "grant" {
                previous = chosen.clone();
            }
            // Form D counts every investor, named or not.
            let investor_count = investors.len() as i32 + int(rng, 1, 4) as i32;
            let minimum = if rng.uniform() < 0.5 { Some(0.0) } else { None };
            let round = funding_rounds::Model {
                id: 0,
                key: format!("demo:round:{slug}:{n}"),
                company_id: 0,
                announced_on: announced,
                first_sale_on: first_sale,
                first_sale_yet_to_occur: yet_to_occur,
                stage: stage.to_string(),
                sector: company.sector.clone(),
                state: company.state.clone(),
                amount_offered: offered,
                offering_indefinite: indefinite,
                amount_sold: Some(amount_sold),
                amount_remaining: offered.map(|o| o - amount_sold),
                investor_count: Some(investor_count),
                minimum_investment: minimum,
                currency: "USD".into(),
                form_type: DEMO.into(),
                accession: None,
                original_accession: None,
                notable: false,
                source: DEMO.into(),
                source_id: DEMO.into(),
                fetched_at: at,
            };
            let priced = ladder >= 2 && !matches!(stage, "debt" | "grant") && amount_sold > 0.0;
            let valuation = (priced && (ladder >= 5 || rng.uniform() < 0.6)).then(|| {
                let (dilution, step_up) = (between(rng, 0.12, 0.25), between(rng, 1.3, 2.5));
                let post = ((amount_sold / dilution).max(last_post * step_up + amount_sold) / 1e6).round() * 1e6;
                last_post = post;
                valuations::Model {
                    id: 0,
                    key: format!("demo:valuation:{slug}:{n}"),
                    company_id: 0,
                    round_id: None,
                    valued_on: announced,
                    pre_money: Some(post - amount_sold),
                    post_money: post,
                    basis: "post-money".into(),
                    currency: "USD".into(),
                    source: DEMO.into(),
                    source_id: DEMO.into(),
                    fetched_at: at,
                }
            });
            rounds.push(DemoRound { company: ci, round, investors, valuation });
            offset -= between(rng, 300.0, 720.0);
        }
    }
    data.rounds = rounds;
}

/// The highest ladder stage a company reached and its last round's date and total sold.
fn company_summary(data: &DemoData) -> Vec<(usize, NaiveDate, f64)> {
    let mut out = vec![(0, NaiveDate::MIN, 0.0); data.companies.len()];
    for r in &data.rounds {
        let e = &mut out[r.company];
        if let Some(i) = LADDER.iter().position(|s| *s == r.round.stage) {
            e.0 = e.0.max(i);
        }
        e.1 = e.1.max(r.round.announced_on);
        e.2 += r.round.amount_sold.unwrap_or(0.0);
    }
    out
}

fn gen_acquisitions(
    rng: &mut Rng,
    used: &mut HashSet<String>,
    data: &mut DemoData,
    today: NaiveDate,
    at: DateTime<Utc>,
) {
    let summary = company_summary(data);
    let mut taken: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for (status, n) in ACQUISITION_STATUSES {
        for _ in 0..n {
            // How many days ago a deal of this status was announced.
            let (lo, hi) = match status {
                "announced" => (5, 40),
                "pending" => (40, 150),
                "completed" => (150, 1600),
                _ => (120, 900),
            };
            // A target whose last round is at least two months before the deal.
            let last_ago = |c: usize| (today - summary[c].1).num_days();
            let candidates: Vec<usize> =
                (0..data.companies.len()).filter(|c| !taken.contains(c) && last_ago(*c) - 60 >= lo).collect();
            let Some(&target) = candidates.get(pick(rng, candidates.len())) else { continue };
            let ago = int(rng, lo, hi.min(last_ago(target) - 60));
            let announced = days_before(today, ago);
            taken.insert(target);
            let buyers: Vec<usize> = (0..data.companies.len())
                .filter(|c| {
                    *c != target && !taken.contains(c) && summary[*c].0 >= 3 && summary[*c].2 > summary[target].2
                })
                .collect();
            let acquirer =
                if !buyers.is_empty() && rng.uniform() < 0.5 { Some(buyers[pick(rng, buyers.len())]) } else { None };
            let acquirer_name = match acquirer {
                Some(a) => data.companies[a].name.clone(),
                None => {
                    let suffix =
                        ["Holdings, Inc.", "Group plc", "Industries Corp.", "Technologies, Inc."][pick(rng, 4)];
                    format!("{} {suffix}", word(rng, used))
                }
            };
            let closed = (status == "completed").then(|| announced + Days::new(int(rng, 45, 140) as u64));
            let price = (rng.uniform() >= 0.25)
                .then(|| ((summary[target].2 * between(rng, 1.2, 4.0)) / 1e6).round().max(1.0) * 1e6);
            let last_filing = match status {
                "completed" => closed,
                "withdrawn" => Some(announced + Days::new(int(rng, 30, 100) as u64)),
                "pending" => Some(announced + Days::new((ago / 2) as u64)),
                _ => Some(announced),
            };
            let t = &data.companies[target];
            let target_slug = t.key.trim_start_matches("demo:company:");
            out.push(DemoAcquisition {
                acquisition: acquisitions::Model {
                    id: 0,
                    key: format!("demo:acquisition:{target_slug}"),
                    acquirer_id: None,
                    acquirer_name: Some(acquirer_name),
                    target_id: None,
                    target_name: Some(t.name.clone()),
                    announced_on: announced,
                    closed_on: closed,
                    price,
                    status: status.to_string(),
                    sector: t.sector.clone(),
                    form_type: DEMO.into(),
                    accession: None,
                    last_filing_on: last_filing,
                    source: DEMO.into(),
                    source_id: DEMO.into(),
                    fetched_at: at,
                },
                acquirer,
                target,
            });
        }
    }
    data.acquisitions = out;
}

fn gen_ipos(rng: &mut Rng, seed: u64, data: &mut DemoData, today: NaiveDate, at: DateTime<Utc>) {
    // The terms come from a generator of their own, so drawing them moves nothing else.
    let mut terms_rng = Rng(seed ^ 0x4950_4f5f_5445_524d);
    let summary = company_summary(data);
    let targets: HashSet<usize> = data.acquisitions.iter().map(|a| a.target).collect();
    // The most advanced companies that were not acquired, ties in a drawn order.
    let mut candidates: Vec<(usize, f64, usize)> =
        (0..data.companies.len()).filter(|c| !targets.contains(c)).map(|c| (summary[c].0, rng.uniform(), c)).collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut picks: Vec<usize> = candidates.into_iter().map(|c| c.2).collect();
    let mut accession = 0;
    let mut out = Vec::new();
    for (status, n) in IPO_STATUSES {
        for _ in 0..n {
            let form = if out.len() % 6 == 3 { "F-1" } else { "S-1" };
            // Days after the first filing at which each later filing lands.
            let amendments = match status {
                "filed" => 0,
                "amended" => int(rng, 1, 3),
                "priced" => int(rng, 1, 3),
                _ => int(rng, 0, 2),
            };
            let mut steps: Vec<(String, &str, i64)> = Vec::new();
            let mut t = 0;
            for _ in 0..amendments {
                t += int(rng, 20, 60);
                steps.push((format!("{form}/A"), "amended", t));
            }
            match status {
                "priced" => {
                    t += int(rng, 10, 35);
                    steps.push(("424B4".into(), "priced", t));
                }
                "withdrawn" => {
                    t += int(rng, 30, 200);
                    steps.push(("RW".into(), "withdrawn", t));
                }
                _ => {}
            }
            let (least, quiet) = match status {
                "filed" => (3, int(rng, 3, 90)),
                "amended" => (5, int(rng, 5, 60)),
                _ => (10, int(rng, 10, 500)),
            };
            // A company files a month at least after its last private round, so none of its
            // rounds is dated after its IPO: the most advanced company with room for this
            // filing's history goes public.
            let room = |c: usize| (today - summary[c].1).num_days() - 30 - t;
            let Some(k) = picks.iter().position(|c| room(*c) >= least) else { continue };
            let company = picks.remove(k);
            let quiet = quiet.min(room(company));
            let filed = days_before(today, t + quiet);
            let mut events = Vec::new();
            let mut push = |form: &str, status: &str, on: NaiveDate| {
                accession += 1;
                events.push(ipo_events::Model {
                    id: 0,
                    ipo_id: 0,
                    form: form.to_string(),
                    filed_on: on,
                    accession: format!("DEMO-{accession:06}"),
                    status: status.to_string(),
                });
            };
            push(form, "filed", filed);
            for (f, s, d) in &steps {
                push(f, s, filed + Days::new(*d as u64));
            }
            let last = events.last().expect("one event at least").clone();
            let c = &data.companies[company];
            let terms = demo_terms(&mut terms_rng, ipo_valuation(data, company), &events, out.len());
            out.push(DemoIpo {
                company,
                ipo: ipo_filings::Model {
                    id: 0,
                    key: format!("demo:ipo:{}", c.key.trim_start_matches("demo:company:")),
                    cik: None,
                    company_id: None,
                    company_name: c.name.clone(),
                    sector: c.sector.clone(),
                    form: form.to_string(),
                    status: status.to_string(),
                    filed_on: filed,
                    last_event_on: last.filed_on,
                    priced_on: (status == "priced").then_some(last.filed_on),
                    withdrawn_on: (status == "withdrawn").then_some(last.filed_on),
                    amendments: amendments as i32,
                    accession: events[0].accession.clone(),
                    price_low: terms.as_ref().and_then(|t| t.0),
                    price_high: terms.as_ref().and_then(|t| t.1),
                    shares_offered: terms.as_ref().and_then(|t| t.2),
                    offering_amount: terms.as_ref().and_then(|t| t.3),
                    terms_form: terms.as_ref().map(|t| t.4.form.clone()),
                    terms_accession: terms.as_ref().map(|t| t.4.accession.clone()),
                    terms_filed_on: terms.as_ref().map(|t| t.4.filed_on),
                    source: DEMO.into(),
                    source_id: DEMO.into(),
                    fetched_at: at,
                },
                events,
            });
        }
    }
    data.ipos = out;
}

/// What a company going public is worth before its offering: its latest disclosed
/// post-money valuation, else five times what it has raised.
fn ipo_valuation(data: &DemoData, company: usize) -> f64 {
    let latest = data
        .rounds
        .iter()
        .filter(|r| r.company == company)
        .filter_map(|r| r.valuation.as_ref())
        .max_by_key(|v| v.valued_on)
        .map(|v| v.post_money);
    latest.unwrap_or_else(|| 5.0 * company_summary(data)[company].2).max(50e6)
}

/// (price low, price high, shares, amount, the event they come from) as an IPO's filings
/// would state them: the public company worth 1.2 to 2.5 times `valuation`, 15 to 25% of
/// it sold at a price in the teens or twenties. A registration not yet amended states no
/// range: every other one shows only its fee table's maximum, the rest nothing. A range
/// comes from the last amendment, the price from the 424B4 (at or a dollar above the top
/// of the range); a withdrawn registration keeps what its last amendment said.
#[allow(clippy::type_complexity)]
fn demo_terms(
    rng: &mut Rng,
    valuation: f64,
    events: &[ipo_events::Model],
    n: usize,
) -> Option<(Option<f64>, Option<f64>, Option<i64>, Option<f64>, ipo_events::Model)> {
    let size = valuation * between(rng, 1.2, 2.5) * between(rng, 0.15, 0.25);
    let mid = int(rng, 12, 28) as f64;
    let bump = int(rng, 0, 1) as f64;
    let shares = ((size / mid / 1e5).round() * 1e5).max(1e5);
    let (low, high) = (mid - 1.0, mid + 1.0);
    let amended = events.iter().rev().find(|e| e.status == "amended");
    match (events.iter().find(|e| e.form == "424B4"), amended) {
        (Some(b4), _) => {
            let price = high + bump;
            Some((Some(price), Some(price), Some(shares as i64), Some(shares * price), b4.clone()))
        }
        (None, Some(a)) => Some((Some(low), Some(high), Some(shares as i64), Some(shares * high), a.clone())),
        (None, None) if n % 2 == 1 && events[0].status == "filed" && events.len() == 1 => {
            let fee_table = (shares * high * 1.15 / 1e6).round() * 1e6;
            Some((None, None, None, Some(fee_table), events[0].clone()))
        }
        _ => None,
    }
}

/// One fund's quarterly life: (quarter index, call (negative), distribution, NAV after).
/// Drawn for the whole life from the fund's own generator, whatever the day, so a later
/// day only reveals more quarters.
fn fund_path(rng: &mut Rng, committed: f64) -> Vec<(usize, f64, f64, f64)> {
    // The fund's underlying annual return; the IRR lands near it.
    let r = between(rng, -0.01, 0.24);
    let growth = (1.0 + r).powf(0.25);
    let sigma = 0.035;
    let called = committed * between(rng, 0.85, 0.95);
    let weights: Vec<f64> = (0..CALL_QUARTERS).map(|q| (CALL_QUARTERS - q) as f64 * between(rng, 0.7, 1.3)).collect();
    let wsum: f64 = weights.iter().sum();
    let mut nav = 0.0;
    let mut out = Vec::with_capacity(FUND_QUARTERS);
    for q in 0..FUND_QUARTERS {
        let shock = (sigma * rng.normal() - 0.5 * sigma * sigma).exp();
        let skip = rng.uniform();
        let pace = between(rng, 0.5, 1.5);
        nav *= growth * shock;
        // Calls in the first CALL_QUARTERS quarters only (`weights` has one per such quarter).
        let call = weights.get(q).map_or(0.0, |w| (called * w / wsum / 1000.0).round() * 1000.0);
        nav += call;
        let dist = if q >= CALL_QUARTERS && skip >= 0.3 {
            let rate = if q >= 48 { 0.25 } else { (0.04 + 0.01 * (q - CALL_QUARTERS) as f64).min(0.2) };
            (nav * rate * pace / 1000.0).round() * 1000.0
        } else {
            0.0
        };
        nav -= dist;
        out.push((q, -call, dist, nav));
    }
    out
}

fn gen_funds(rng: &mut Rng, seed: u64, data: &mut DemoData, today: NaiveDate, at: DateTime<Utc>) {
    let managers = investors_of_kind(data, &["venture capital"]);
    let growth_managers = investors_of_kind(data, &["growth"]);
    let cutoff = last_quarter_end(today);
    let mut numbers: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, vintage) in VINTAGES.into_iter().enumerate() {
        let growth = i == 4;
        let manager = if growth { growth_managers[0] } else { managers[i % 4] };
        let number = numbers.entry(manager).or_insert(0);
        *number += 1;
        let base = data.investors[manager].name.clone();
        let name = format!("{base} Fund {}, L.P.", roman(*number + 1));
        let slug = upsert::slug(&name);
        let target = (between(rng, 100.0, 800.0) / 5.0).round() * 5.0 * 1e6;
        let raised = (target * between(rng, 0.85, 1.1) / 1e6).round() * 1e6;
        let state = ["CA", "CA", "NY", "MA"][pick(rng, 4)];
        let investor_count = int(rng, 20, 150) as i32;
        let mut holdings_of: Vec<usize> = Vec::new();
        let n_holdings = int(rng, 4, 7) as usize;
        while holdings_of.len() < n_holdings {
            let c = pick(rng, data.companies.len());
            if !holdings_of.contains(&c) {
                holdings_of.push(c);
            }
        }
        let mut weights: Vec<(f64, f64, f64)> = holdings_of
            .iter()
            .map(|_| (between(rng, 0.5, 1.5), if rng.uniform() < 0.4 { 0.0 } else { rng.uniform() }, rng.uniform()))
            .collect();
        // The distributions came from somewhere: one holding at least has realized value.
        if weights.iter().all(|w| w.1 == 0.0) {
            weights[0].1 = 1.0;
        }
        // The fund's own generator: its flows do not depend on how many quarters are shown.
        let mut frng = Rng(seed ^ slug_seed(&slug));
        let path = fund_path(&mut frng, raised);
        let shown: Vec<_> = path.into_iter().filter(|(q, ..)| quarter_end(vintage, *q) <= cutoff).collect();
        let flow = |date: NaiveDate, kind: &str, amount: f64| fund_cash_flows::Model {
            id: 0,
            fund_id: 0,
            flow_date: date,
            kind: kind.to_string(),
            amount,
            source: DEMO.into(),
            source_id: DEMO.into(),
            fetched_at: at,
        };
        let mut flows = Vec::new();
        for (q, call, dist, _) in &shown {
            let d = quarter_end(vintage, *q);
            if *call != 0.0 {
                flows.push(flow(d, "call", *call));
            }
            if *dist != 0.0 {
                flows.push(flow(d, "distribution", *dist));
            }
        }
        let (paid, distributed, nav) =
            shown.iter().fold((0.0, 0.0, 0.0), |acc, (_, c, d, n)| (acc.0 - c, acc.1 + d, *n));
        let nav = (nav / 1000.0).round() * 1000.0;
        if let Some((q, ..)) = shown.last() {
            flows.push(flow(quarter_end(vintage, *q), "nav", nav));
        }
        let as_of = shown.last().map(|(q, ..)| quarter_end(vintage, *q)).unwrap_or(cutoff);
        let (sw, sr, su) = weights.iter().fold((0.0, 0.0, 0.0), |a, w| (a.0 + w.0, a.1 + w.1, a.2 + w.2));
        let share = |x: f64, total: f64, whole: f64| {
            if total > 0.0 {
                (whole * x / total / 1000.0).round() * 1000.0
            } else {
                0.0
            }
        };
        let holdings = holdings_of
            .iter()
            .zip(&weights)
            .map(|(c, w)| {
                (
                    *c,
                    fund_holdings::Model {
                        id: 0,
                        fund_id: 0,
                        company_id: 0,
                        invested: share(w.0, sw, paid * 0.85),
                        realized: share(w.1, sr, distributed),
                        unrealized: share(w.2, su, nav),
                        as_of,
                        source: DEMO.into(),
                        source_id: DEMO.into(),
                        fetched_at: at,
                    },
                )
            })
            .collect();
        out.push(DemoFund {
            fund: funds::Model {
                id: 0,
                key: format!("demo:fund:{slug}"),
                cik: None,
                name,
                manager_id: None,
                vintage: Some(vintage),
                target_size: Some(target),
                target_indefinite: false,
                amount_raised: Some(raised),
                investor_count: Some(investor_count),
                strategy: if growth { "growth".into() } else { "venture capital".into() },
                state: Some(state.to_string()),
                currency: "USD".into(),
                accession: None,
                source: DEMO.into(),
                source_id: DEMO.into(),
                fetched_at: at,
            },
            manager,
            flows,
            holdings,
        });
    }
    data.funds = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::venture::returns;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at() -> DateTime<Utc> {
        "2026-11-28T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_demo_is_deterministic_for_a_seed() {
        let a = generate(DEMO_SEED, d("2026-11-28"), at());
        assert_eq!(a, generate(DEMO_SEED, d("2026-11-28"), at()));
        let other = generate(DEMO_SEED + 1, d("2026-11-28"), at());
        assert_ne!(a.companies, other.companies);
        // A later day moves dates, not what is drawn.
        let later = generate(DEMO_SEED, d("2027-02-10"), at());
        let names = |x: &DemoData| x.companies.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&later));
        let stages =
            |x: &DemoData| x.rounds.iter().map(|r| (r.round.key.clone(), r.round.stage.clone())).collect::<Vec<_>>();
        assert_eq!(stages(&a), stages(&later));
        assert_eq!(a.rounds[0].round.announced_on + Days::new(74), later.rounds[0].round.announced_on);
    }

    #[test]
    fn sizes_and_provenance_are_as_documented() {
        let today = d("2026-11-28");
        let x = generate(DEMO_SEED, today, at());
        assert_eq!(x.companies.len(), 60);
        assert_eq!(x.investors.len(), 40);
        assert!((200..=300).contains(&x.rounds.len()), "{} rounds", x.rounds.len());
        assert_eq!(x.funds.len(), 8);
        assert_eq!(x.acquisitions.len(), 12);
        assert_eq!(x.ipos.len(), 15);
        assert!(x.companies.iter().all(|c| c.cik.is_none() && c.key.starts_with("demo:company:") && c.source == DEMO));
        assert!(x.investors.iter().all(|i| i.key.starts_with("demo:investor:") && i.source == DEMO));
        assert!(x.rounds.iter().all(|r| r.round.key.starts_with("demo:round:")
            && r.round.form_type == DEMO
            && r.round.accession.is_none()
            && r.round.source_id == DEMO));
        let keys: HashSet<_> = x.rounds.iter().map(|r| &r.round.key).collect();
        assert_eq!(keys.len(), x.rounds.len(), "round keys are unique");
        let names: HashSet<_> = x.companies.iter().map(|c| &c.key).collect();
        assert_eq!(names.len(), 60, "company keys are unique");
        for s in Sector::ALL.iter().filter(|s| **s != Sector::Funds) {
            assert!(x.companies.iter().any(|c| c.sector == s.slug()), "no company in {s:?}");
        }
        for k in ["venture capital", "corporate", "angel", "accelerator", "growth"] {
            assert!(x.investors.iter().any(|i| i.kind == k), "{k}");
        }
        for (status, _) in IPO_STATUSES {
            assert!(x.ipos.iter().any(|i| i.ipo.status == status), "{status}");
        }
        for (status, _) in ACQUISITION_STATUSES {
            assert!(x.acquisitions.iter().any(|a| a.acquisition.status == status), "{status}");
        }
        let accessions: Vec<_> = x.ipos.iter().flat_map(|i| i.events.iter().map(|e| e.accession.clone())).collect();
        assert!(accessions.iter().all(|a| a.starts_with("DEMO-")));
        assert_eq!(accessions.iter().collect::<HashSet<_>>().len(), accessions.len());
    }

    #[test]
    fn rounds_climb_the_ladder_with_amounts_by_stage_and_form_d_quirks() {
        let today = d("2026-11-28");
        let x = generate(DEMO_SEED, today, at());
        let oldest = days_before(today, HISTORY_DAYS as i64 + 1);
        let mut last: HashMap<usize, (NaiveDate, usize)> = HashMap::new();
        for r in &x.rounds {
            assert!(r.round.announced_on <= today && r.round.announced_on >= oldest, "{:?}", r.round.announced_on);
            if let Some(i) = LADDER.iter().position(|s| *s == r.round.stage) {
                if let Some((date, prev)) = last.get(&r.company) {
                    assert!(r.round.announced_on > *date && i >= *prev, "{} goes back", r.round.key);
                }
                last.insert(r.company, (r.round.announced_on, i));
            }
            if r.round.offering_indefinite {
                assert!(r.round.amount_offered.is_none());
            }
            if r.round.first_sale_yet_to_occur {
                assert!(r.round.first_sale_on.is_none());
                assert_eq!(r.round.amount_sold, Some(0.0));
            }
        }
        assert!(x.rounds.iter().any(|r| r.round.offering_indefinite));
        assert!(x.rounds.iter().any(|r| r.round.first_sale_yet_to_occur));
        let median = |stage: &str| {
            let mut v: Vec<f64> = x
                .rounds
                .iter()
                .filter(|r| r.round.stage == stage && !r.round.first_sale_yet_to_occur)
                .filter_map(|r| r.round.amount_sold)
                .collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (seed, a, b, c) = (median("seed"), median("series-a"), median("series-b"), median("series-c"));
        assert!(seed > 0.8e6 && seed < 5e6, "seed {seed}");
        assert!(a > 5e6 && a < 30e6, "A {a}");
        assert!(b > 15e6 && b < 80e6, "B {b}");
        assert!(c > 35e6 && c < 180e6, "C {c}");
        for r in &x.rounds {
            if let Some(i) = r.investors.first() {
                assert!(i.1, "the lead comes first");
                assert_eq!(r.investors.iter().filter(|i| i.1).count(), 1);
            }
            if let Some(v) = &r.valuation {
                assert!(v.post_money > r.round.amount_sold.unwrap());
                assert_eq!(v.pre_money, Some(v.post_money - r.round.amount_sold.unwrap()));
            }
        }
        assert!(x.rounds.iter().filter(|r| r.valuation.is_some()).count() >= 30);
    }

    #[test]
    fn fund_irrs_are_plausible_and_flows_change_sign_once() {
        for today in ["2026-11-28", "2025-03-31", "2027-08-02"] {
            let today = d(today);
            let x = generate(DEMO_SEED, today, at());
            let mut both_signs = 0;
            for f in &x.funds {
                let cash: Vec<(NaiveDate, f64)> =
                    f.flows.iter().filter(|c| c.kind != "nav").map(|c| (c.flow_date, c.amount)).collect();
                let nav = f.flows.iter().find(|c| c.kind == "nav").expect("a NAV row");
                assert_eq!(nav.flow_date, last_quarter_end(today), "{}", f.fund.name);
                assert!(f.flows.iter().all(|c| c.flow_date <= today));
                assert!(f.flows.iter().filter(|c| c.kind == "call").all(|c| c.amount < 0.0));
                assert!(f.flows.iter().filter(|c| c.kind == "distribution").all(|c| c.amount > 0.0));
                let last_call = f.flows.iter().filter(|c| c.kind == "call").map(|c| c.flow_date).max().unwrap();
                if let Some(first_dist) = f.flows.iter().filter(|c| c.kind == "distribution").map(|c| c.flow_date).min()
                {
                    assert!(first_dist > last_call, "calls end before distributions start");
                    both_signs += 1;
                }
                let mut all = cash.clone();
                all.push((nav.flow_date, nav.amount));
                let irr = returns::xirr(&all).unwrap_or_else(|e| panic!("{}: {e}", f.fund.name));
                assert!((-0.05..=0.35).contains(&irr), "{} on {today}: IRR {irr}", f.fund.name);
                assert!(!f.holdings.is_empty());
                let unrealized: f64 = f.holdings.iter().map(|h| h.1.unrealized).sum();
                assert!((unrealized - nav.amount).abs() <= 1000.0 * f.holdings.len() as f64);
            }
            assert!(both_signs >= 5, "{both_signs} funds distribute");
            let vintages: Vec<i32> = x.funds.iter().filter_map(|f| f.fund.vintage).collect();
            assert!(vintages.iter().all(|v| (2012..=2022).contains(v)));
        }
    }

    #[test]
    fn ipo_histories_and_acquisitions_are_consistent() {
        let today = d("2026-11-28");
        let x = generate(DEMO_SEED, today, at());
        for i in &x.ipos {
            let e = &i.events;
            assert_eq!(e[0].status, "filed");
            assert_eq!(e[0].form, i.ipo.form);
            assert_eq!(e.last().unwrap().status, i.ipo.status);
            assert!(e.windows(2).all(|w| w[0].filed_on < w[1].filed_on));
            assert!(e.last().unwrap().filed_on <= today);
            assert_eq!(i.ipo.amendments as usize, e.iter().filter(|x| x.status == "amended").count());
            assert_eq!(i.ipo.priced_on.is_some(), i.ipo.status == "priced");
            assert_eq!(i.ipo.withdrawn_on.is_some(), i.ipo.status == "withdrawn");
        }
        let summary = company_summary(&x);
        // Offering terms: from one of the entry's own filings, the 424B4's price set once
        // priced, a range before, and a size that is a slice of what the company is worth.
        for (_, x) in samples() {
            let mut blank = 0;
            for i in &x.ipos {
                let ipo = &i.ipo;
                let Some(form) = ipo.terms_form.as_deref() else {
                    assert_eq!((ipo.price_low, ipo.shares_offered, ipo.offering_amount), (None, None, None));
                    assert!(ipo.status != "priced" && ipo.status != "amended", "{ipo:?}");
                    blank += 1;
                    continue;
                };
                let e = i.events.iter().find(|e| Some(&e.accession) == ipo.terms_accession.as_ref()).unwrap();
                assert_eq!((e.form.as_str(), Some(e.filed_on)), (form, ipo.terms_filed_on));
                match (ipo.status.as_str(), ipo.price_low, ipo.price_high) {
                    ("priced", Some(l), Some(h)) => assert!(l == h && form == "424B4", "{ipo:?}"),
                    (_, Some(l), Some(h)) => assert!(l < h && form.ends_with("/A"), "{ipo:?}"),
                    (status, None, None) => assert!(status == "filed" && form == ipo.form, "{ipo:?}"),
                    _ => panic!("half a range: {ipo:?}"),
                }
                let amount = ipo.offering_amount.unwrap();
                if let (Some(p), Some(n)) = (ipo.price_high, ipo.shares_offered) {
                    assert!((amount - p * n as f64).abs() < 1.0, "{ipo:?}");
                }
                let worth = ipo_valuation(&x, i.company);
                assert!(amount > 0.1 * worth && amount < 0.9 * worth, "{} of {worth}: {ipo:?}", amount);
            }
            assert!(blank > 0 && blank < x.ipos.len(), "some filed entries state no terms yet, not all");
        }
        for a in &x.acquisitions {
            let acq = &a.acquisition;
            assert!(acq.announced_on <= today);
            assert!(summary[a.target].1 < acq.announced_on, "the target raised after it was bought");
            assert_eq!(acq.closed_on.is_some(), acq.status == "completed");
            assert_ne!(a.acquirer, Some(a.target));
        }
        assert!(x.acquisitions.iter().any(|a| a.acquirer.is_some()));
        assert!(x.acquisitions.iter().any(|a| a.acquirer.is_none()));
    }

    /// The demo at a few seeds and days: the invariants hold for any draw, not one.
    fn samples() -> Vec<(NaiveDate, DemoData)> {
        let mut out = Vec::new();
        for today in ["2026-11-28", "2025-03-31", "2027-08-02"] {
            for seed in [DEMO_SEED, DEMO_SEED + 1, DEMO_SEED + 2, 7, 1234] {
                out.push((d(today), generate(seed, d(today), at())));
            }
        }
        out
    }

    #[test]
    fn no_company_raises_after_its_ipo_filing_or_its_acquisition() {
        for (today, x) in samples() {
            let mut exits = 0;
            for i in &x.ipos {
                let last =
                    x.rounds.iter().filter(|r| r.company == i.company).map(|r| r.round.announced_on).max().unwrap();
                assert!(
                    last < i.ipo.filed_on,
                    "{today}: {} raised on {last}, after filing on {}",
                    i.ipo.company_name,
                    i.ipo.filed_on
                );
                exits += 1;
            }
            for a in &x.acquisitions {
                let last =
                    x.rounds.iter().filter(|r| r.company == a.target).map(|r| r.round.announced_on).max().unwrap();
                assert!(
                    last < a.acquisition.announced_on,
                    "{today}: a round on {last} after the deal of {}",
                    a.acquisition.announced_on
                );
                assert!(!x.ipos.iter().any(|i| i.company == a.target), "an acquired company does not go public");
                exits += 1;
            }
            assert_eq!(exits, 27, "{today}: every IPO and acquisition slot found a company");
        }
    }

    #[test]
    fn each_company_climbs_the_stages_in_order_with_dates_increasing() {
        for (today, x) in samples() {
            let mut by_company: HashMap<usize, Vec<&DemoRound>> = HashMap::new();
            for r in &x.rounds {
                by_company.entry(r.company).or_default().push(r);
            }
            assert_eq!(by_company.len(), x.companies.len(), "every company raised");
            for (c, rounds) in by_company {
                assert!(
                    rounds.windows(2).all(|w| w[0].round.announced_on < w[1].round.announced_on),
                    "{today}: company {c}"
                );
                let ladder: Vec<usize> =
                    rounds.iter().filter_map(|r| LADDER.iter().position(|s| *s == r.round.stage)).collect();
                assert!(ladder[0] <= 2, "the first round is pre-seed, seed or series A");
                for w in ladder.windows(2) {
                    // Series D+ (D, E, F...) and growth are open-ended: either may follow
                    // itself; no other stage may repeat or go back.
                    let open_ended = w[0] == w[1] && w[0] >= 5;
                    assert!(
                        w[1] > w[0] || open_ended,
                        "{today}: company {c} goes {} then {}",
                        LADDER[w[0]],
                        LADDER[w[1]]
                    );
                }
                assert!(!matches!(rounds[0].round.stage.as_str(), "debt" | "grant"), "a company starts with equity");
            }
        }
    }

    #[test]
    fn post_money_valuations_rise_with_stage() {
        for (today, x) in samples() {
            let mut last: HashMap<usize, (usize, f64)> = HashMap::new();
            let mut by_stage: HashMap<usize, Vec<f64>> = HashMap::new();
            for r in &x.rounds {
                let Some(v) = &r.valuation else { continue };
                let stage = LADDER.iter().position(|s| *s == r.round.stage).expect("only ladder rounds are priced");
                if let Some((prev_stage, prev_post)) = last.get(&r.company) {
                    assert!(stage >= *prev_stage, "{today}: {}", r.round.key);
                    assert!(v.post_money > *prev_post, "{today}: {} is a down round", r.round.key);
                    assert!(
                        v.pre_money.unwrap() > *prev_post,
                        "{today}: {} prices below the last post-money",
                        r.round.key
                    );
                }
                last.insert(r.company, (stage, v.post_money));
                by_stage.entry(stage).or_default().push(v.post_money);
            }
            let medians: Vec<(usize, f64)> = (2..LADDER.len())
                .filter_map(|s| {
                    let mut v = by_stage.get(&s)?.clone();
                    v.sort_by(f64::total_cmp);
                    Some((s, v[v.len() / 2]))
                })
                .collect();
            assert!(medians.len() >= 4, "{today}: {medians:?}");
            assert!(medians.windows(2).all(|w| w[0].1 < w[1].1), "{today}: median post-money by stage {medians:?}");
        }
    }

    /// Each holding's values are rounded to whole thousands of dollars, so a fund's sums may
    /// be off by at most $1,000 a holding; nothing else may separate them.
    const HOLDING_TOLERANCE: f64 = 1000.0;

    #[test]
    fn fund_nav_and_distributions_match_their_holdings_within_a_thousand_dollars_a_holding() {
        for (today, x) in samples() {
            for f in &x.funds {
                let nav = f.flows.iter().find(|c| c.kind == "nav").expect("a NAV row");
                let distributed: f64 = f.flows.iter().filter(|c| c.kind == "distribution").map(|c| c.amount).sum();
                let paid: f64 = -f.flows.iter().filter(|c| c.kind == "call").map(|c| c.amount).sum::<f64>();
                let tolerance = HOLDING_TOLERANCE * f.holdings.len() as f64;
                let unrealized: f64 = f.holdings.iter().map(|h| h.1.unrealized).sum();
                let realized: f64 = f.holdings.iter().map(|h| h.1.realized).sum();
                let invested: f64 = f.holdings.iter().map(|h| h.1.invested).sum();
                let name = &f.fund.name;
                assert!(
                    (unrealized - nav.amount).abs() <= tolerance,
                    "{today} {name}: NAV {} against {unrealized}",
                    nav.amount
                );
                assert!(
                    (realized - distributed).abs() <= tolerance,
                    "{today} {name}: distributions {distributed} against {realized}"
                );
                assert!(
                    invested <= paid && invested > 0.5 * paid,
                    "{today} {name}: invested {invested} of {paid} called"
                );
                assert!(
                    f.holdings.iter().all(|h| h.1.as_of == nav.flow_date),
                    "{today} {name}: holdings as of the NAV date"
                );
                let companies: HashSet<usize> = f.holdings.iter().map(|h| h.0).collect();
                assert_eq!(companies.len(), f.holdings.len(), "one holding per company");
            }
        }
    }

    #[test]
    fn quarter_ends_are_calendar_quarter_ends() {
        assert_eq!(last_quarter_end(d("2026-11-28")), d("2026-09-30"));
        assert_eq!(last_quarter_end(d("2026-12-31")), d("2026-12-31"));
        assert_eq!(last_quarter_end(d("2026-02-01")), d("2025-12-31"));
        assert_eq!(last_quarter_end(d("2026-06-29")), d("2026-03-31"));
        assert_eq!(quarter_end(2012, 0), d("2012-03-31"));
        assert_eq!(quarter_end(2012, 5), d("2013-06-30"));
    }
}
