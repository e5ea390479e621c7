//! The EDGAR-fed venture jobs on SQLite and PostgreSQL, against a local EDGAR replaying
//! fixtures in EDGAR's own formats (`tests/fixtures/edgar`: two daily `form.idx` files, one
//! with a broken line; Form D documents, one Indefinite, one yet to occur, two amendments,
//! a venture capital fund with a co-issuer, a hedge fund, a malformed one and one missing
//! its industry group; submissions JSON; the rate-threshold page). Expected counts come
//! from parsing the fixture index files, not from numbers written here.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use quarry::db::entities::{
    acquisitions, companies, edgar_filings, funding_monthly, funding_rounds, funds, ipo_events, ipo_filings,
};
use quarry::ingest::edgar::{self as sync, Quiet};
use quarry::jobs::commodity::JobKind;
use quarry::jobs::runner::run_slot;
use quarry::sources::edgar_index::{self, IndexEntry};
use quarry::sources::edgar_prospectus::{self, Offering};
use quarry::sources::{edgar_submissions, form_d};
use quarry::state::AppState;
use quarry::venture::classify;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{test_config, upstream_state};
use crate::upstream;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/edgar");
const DAY_A: &str = "2026-11-17";
const DAY_B: &str = "2026-11-18";
/// A Saturday: EDGAR has no index file.
const SATURDAY: &str = "2026-11-21";

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn index_text(day: &str) -> String {
    fixture(&format!("form.{}.idx", day.replace('-', "")))
}

fn index(day: &str) -> edgar_index::ParsedIndex {
    edgar_index::parse(&index_text(day)).unwrap()
}

fn entries(days: &[&str]) -> Vec<IndexEntry> {
    days.iter().flat_map(|d| index(d).entries).collect()
}

/// Distinct accessions per form among `forms` (one filing may list several parties).
fn per_form(entries: &[IndexEntry], forms: &[&str]) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in entries.iter().filter(|e| forms.contains(&e.form.as_str())) {
        seen.entry(e.form.clone()).or_default().insert(e.accession.clone());
    }
    seen.into_iter().map(|(f, a)| (f, a.len())).collect()
}

/// The fixture documents, by accession.
fn documents() -> HashMap<String, String> {
    std::fs::read_dir(FIXTURES)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let acc = name.strip_prefix("primary_doc.")?.strip_suffix(".xml")?.to_string();
            Some((acc, fixture(&name)))
        })
        .collect()
}

/// A local EDGAR serving the given days' indexes, every Form D and submissions document;
/// anything else is a 404, as on EDGAR.
async fn edgar(days: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    for day in days {
        let d = date(day);
        let p = format!("/Archives/edgar/daily-index/2026/QTR4/form.{}.idx", d.format("%Y%m%d"));
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_raw(index_text(day), "text/plain"))
            .mount(&server)
            .await;
    }
    for (acc, xml) in documents() {
        Mock::given(method("GET"))
            .and(path_regex(format!(r"^/Archives/edgar/data/\d+/{}/primary_doc\.xml$", acc.replace('-', ""))))
            .respond_with(ResponseTemplate::new(200).set_body_raw(xml, "text/xml"))
            .mount(&server)
            .await;
    }
    for name in fixture_names() {
        if name.starts_with("CIK") && name.ends_with(".json") {
            Mock::given(method("GET"))
                .and(path(format!("/submissions/{name}")))
                .respond_with(ResponseTemplate::new(200).set_body_raw(fixture(&name), "application/json"))
                .mount(&server)
                .await;
        }
        // Registration statements and prospectuses, under any filing's folder (the
        // submissions JSON names them).
        if name.ends_with(".htm") {
            Mock::given(method("GET"))
                .and(path_regex(format!(r"^/Archives/edgar/data/\d+/\d{{18}}/{}$", regex_escape(&name))))
                .respond_with(ResponseTemplate::new(200).set_body_raw(fixture(&name), "text/html"))
                .mount(&server)
                .await;
        }
    }
    server
}

fn fixture_names() -> Vec<String> {
    std::fs::read_dir(FIXTURES).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect()
}

fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_ascii_alphanumeric() { vec![c] } else { vec!['\\', c] }).collect()
}

/// What reading each IPO filing's document should give, worked out from the fixtures with
/// the parser: accession -> its terms (`Ok(None)`: states none) or `Err` (unreadable:
/// no submissions JSON, no document, or no prospectus). 424B4s of companies without a
/// registration in `days` are skipped by the pipeline and not read.
fn expected_terms(days: &[&str]) -> BTreeMap<String, Result<Option<Offering>, String>> {
    let all = entries(days);
    let registrants: BTreeSet<u64> =
        all.iter().filter(|e| ["S-1", "F-1", "S-1/A", "F-1/A"].contains(&e.form.as_str())).map(|e| e.cik).collect();
    let mut out = BTreeMap::new();
    for l in classify::listed(&all, &classify::IPO_FORMS) {
        let cik = classify::filer(&l).cik;
        if !classify::states_terms(l.form) || (l.form == "424B4" && !registrants.contains(&cik)) {
            continue;
        }
        let json = std::fs::read_to_string(format!("{FIXTURES}/CIK{cik:010}.json"));
        let doc = json
            .ok()
            .and_then(|j| edgar_submissions::parse(&j).ok())
            .and_then(|s| s.filings.into_iter().find(|f| f.accession == l.accession))
            .and_then(|f| std::fs::read_to_string(format!("{FIXTURES}/{}", f.primary_document)).ok());
        let got = match doc {
            None => Err("no document".to_string()),
            Some(html) => edgar_prospectus::parse(&html)
                .map(|t| edgar_prospectus::offering(&t, l.form == "424B4"))
                .map_err(|e| e.to_string()),
        };
        out.insert(l.accession.to_string(), got);
    }
    out
}

fn terms_failures(days: &[&str]) -> usize {
    expected_terms(days).values().filter(|t| t.is_err()).count()
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Every row the sync writes, for "a second run changes nothing".
#[derive(Debug, PartialEq)]
struct Snapshot {
    companies: Vec<companies::Model>,
    rounds: Vec<funding_rounds::Model>,
    funds: Vec<funds::Model>,
    ipos: Vec<ipo_filings::Model>,
    events: Vec<ipo_events::Model>,
    deals: Vec<acquisitions::Model>,
    filings: Vec<edgar_filings::Model>,
    monthly: Vec<funding_monthly::Model>,
}

async fn snapshot(s: &AppState) -> Snapshot {
    let db = &s.db;
    Snapshot {
        companies: companies::Entity::find().order_by_asc(companies::Column::Id).all(db).await.unwrap(),
        rounds: funding_rounds::Entity::find().order_by_asc(funding_rounds::Column::Id).all(db).await.unwrap(),
        funds: funds::Entity::find().order_by_asc(funds::Column::Id).all(db).await.unwrap(),
        ipos: ipo_filings::Entity::find().order_by_asc(ipo_filings::Column::Id).all(db).await.unwrap(),
        events: ipo_events::Entity::find().order_by_asc(ipo_events::Column::Id).all(db).await.unwrap(),
        deals: acquisitions::Entity::find().order_by_asc(acquisitions::Column::Id).all(db).await.unwrap(),
        filings: edgar_filings::Entity::find().order_by_asc(edgar_filings::Column::Accession).all(db).await.unwrap(),
        monthly: funding_monthly::Entity::find()
            .order_by_asc(funding_monthly::Column::Month)
            .order_by_asc(funding_monthly::Column::Sector)
            .order_by_asc(funding_monthly::Column::Stage)
            .all(db)
            .await
            .unwrap(),
    }
}

/// edgar_filings rows per form.
async fn recorded(s: &AppState) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in edgar_filings::Entity::find().all(&s.db).await.unwrap() {
        *out.entry(f.form).or_insert(0) += 1;
    }
    out
}

async fn round_of(s: &AppState, cik: i64) -> Vec<funding_rounds::Model> {
    let c = companies::Entity::find().filter(companies::Column::Cik.eq(cik)).one(&s.db).await.unwrap().unwrap();
    funding_rounds::Entity::find().filter(funding_rounds::Column::CompanyId.eq(c.id)).all(&s.db).await.unwrap()
}

async fn filing(s: &AppState, accession: &str) -> Option<edgar_filings::Model> {
    edgar_filings::Entity::find_by_id(accession.to_string()).one(&s.db).await.unwrap()
}

/// What the Form D filings of `days` should become, worked out from the fixture documents
/// with the parser: (round keys, venture fund CIKs, skipped, documents that do not parse).
fn expected_form_d(days: &[&str]) -> (BTreeSet<String>, BTreeSet<u64>, usize, BTreeSet<String>) {
    let docs = documents();
    let accessions: BTreeSet<String> =
        entries(days).into_iter().filter(|e| e.form == "D" || e.form == "D/A").map(|e| e.accession).collect();
    let (mut rounds, mut funds, mut skipped, mut errors) = (BTreeSet::new(), BTreeSet::new(), 0, BTreeSet::new());
    for acc in accessions {
        match form_d::parse(&docs[&acc]) {
            Err(_) => {
                errors.insert(acc);
            }
            Ok(d) if d.fund_type.as_deref() == Some("Venture Capital Fund") => {
                funds.insert(d.cik);
            }
            Ok(d) if d.industry_group == "Pooled Investment Fund" => skipped += 1,
            Ok(d) => {
                rounds.insert(format!("edgar:{}", d.previous_accession.unwrap_or(acc)));
            }
        }
    }
    (rounds, funds, skipped, errors)
}

crate::on_both_backends! {
    fn vc_sync_fills_companies_funds_and_rounds_and_a_second_sync_writes_nothing(url) {
        let server = edgar(&[DAY_A, DAY_B]).await;
        let state = upstream_state(&url, &server.uri()).await;
        let days = [date(DAY_A), date(DAY_B)];
        let notable = state.config.venture.notable_round_usd;
        let first = sync::vc_sync(&state.db, &state.sources.edgar, &days, notable, &Quiet).await.unwrap();
        assert!(first.rows_written > 0);

        // Every D and D/A of the index is recorded once, whatever it became.
        let all = entries(&[DAY_A, DAY_B]);
        let want = per_form(&all, &["D", "D/A"]);
        assert_eq!(recorded(&state).await, want);
        let (round_keys, fund_ciks, skipped, errors) = expected_form_d(&[DAY_A, DAY_B]);
        let rounds = funding_rounds::Entity::find().all(&state.db).await.unwrap();
        assert_eq!(rounds.iter().map(|r| r.key.clone()).collect::<BTreeSet<_>>(), round_keys);
        let fund_rows = funds::Entity::find().all(&state.db).await.unwrap();
        assert_eq!(fund_rows.iter().map(|f| f.cik.unwrap() as u64).collect::<BTreeSet<_>>(), fund_ciks);
        let status = |s: &str| edgar_filings::Column::Status.eq(s.to_string());
        let count = |s: &'static str| edgar_filings::Entity::find().filter(status(s)).count(&state.db);
        assert_eq!(count("skipped").await.unwrap() as usize, skipped);
        assert_eq!(count("error").await.unwrap() as usize, errors.len());
        // A company per round's issuer; the fund and the hedge fund are not companies.
        let companies = companies::Entity::find().all(&state.db).await.unwrap();
        let issuers: BTreeSet<i32> = rounds.iter().map(|r| r.company_id).collect();
        assert_eq!(companies.len(), issuers.len());
        assert!(companies.iter().all(|c| c.source == "edgar" && c.key == format!("cik:{}", c.cik.unwrap())));

        // Indefinite and yet to occur.
        let bluefin = &round_of(&state, 1940002).await[0];
        assert_eq!((bluefin.amount_offered, bluefin.offering_indefinite), (None, true));
        assert_eq!((bluefin.amount_sold, bluefin.sector.as_str()), (Some(1_200_000.0), "biotech"));
        let cinder = &round_of(&state, 1940003).await[0];
        assert_eq!((cinder.first_sale_on, cinder.first_sale_yet_to_occur), (None, true));
        assert_eq!((cinder.amount_offered, cinder.offering_indefinite), (Some(3_000_000.0), false));
        let acme = &round_of(&state, 1940001).await[0];
        assert_eq!((acme.first_sale_on, acme.first_sale_yet_to_occur), (Some(date("2026-11-10")), false));
        assert_eq!((acme.stage.as_str(), acme.sector.as_str(), acme.state.as_deref()), ("unstated", "ai-software", Some("TX")));
        assert_eq!((acme.investor_count, acme.minimum_investment), (Some(14), Some(25_000.0)));
        assert_eq!((acme.source.as_str(), acme.source_id.as_str()), ("edgar", "0001940001-26-000001"));

        // Amendments replace their original's figures: one from an earlier index, one
        // from the same index.
        let northwind = round_of(&state, 1910001).await;
        assert_eq!(northwind.len(), 1, "the D/A did not make a second round");
        let n = &northwind[0];
        assert_eq!(n.key, "edgar:0001910001-26-000001");
        assert_eq!((n.amount_offered, n.amount_sold, n.investor_count), (Some(9_500_000.0), Some(7_250_000.0), Some(17)));
        assert_eq!((n.form_type.as_str(), n.accession.as_deref()), ("D/A", Some("0001910001-26-000002")));
        assert_eq!(n.original_accession.as_deref(), Some("0001910001-26-000001"));
        assert_eq!(n.announced_on, date(DAY_A), "the round dates from its original filing");
        let fjord = round_of(&state, 1940009).await;
        assert_eq!(fjord.len(), 1);
        assert_eq!((fjord[0].amount_sold, fjord[0].investor_count, fjord[0].form_type.as_str()), (Some(7_500_000.0), Some(22), "D/A"));

        // The venture capital fund: a fund, no company, no round.
        let fund = &fund_rows[0];
        assert_eq!((fund.key.as_str(), fund.name.as_str()), ("cik:1940004", "Granite Peak Ventures Fund II, L.P."));
        assert_eq!((fund.target_size, fund.target_indefinite, fund.amount_raised), (Some(5e7), false, Some(3.25e7)));
        assert_eq!((fund.vintage, fund.investor_count, fund.strategy.as_str()), (Some(2026), Some(41), "Venture Capital Fund"));
        assert!(companies.iter().all(|c| c.cik != Some(1940004) && c.cik != Some(1940006)));
        let hedge = filing(&state, "0001940006-26-000001").await.unwrap();
        assert_eq!(hedge.status, "skipped");
        assert!(hedge.error.unwrap().contains("pooled fund (Hedge Fund), not venture"));

        // The submissions JSON gave a company that says "Other" its sector and details.
        let gannet = companies.iter().find(|c| c.cik == Some(1940010)).unwrap();
        assert_eq!((gannet.sector.as_str(), gannet.sic), ("biotech", Some(2834)));
        assert_eq!((gannet.website.as_deref(), gannet.city.as_deref()), (Some("https://gannetlabs.example"), Some("RALEIGH")));

        // Bad documents are errors with their accession, and the sync went on past them.
        for (acc, why) in [("0001940007-26-000001", "not well-formed XML"), ("0001940008-26-000001", "industryGroupType")] {
            assert!(errors.contains(acc), "{acc}");
            let f = filing(&state, acc).await.unwrap();
            assert_eq!(f.status, "error");
            assert!(f.error.as_deref().unwrap().contains(why), "{:?}", f.error);
            assert!(first.failures.iter().any(|l| l.starts_with(&format!("{acc}: ")) && l.contains(why)), "{:?}", first.failures);
        }
        assert_eq!(filing(&state, "0001940010-26-000001").await.unwrap().status, "stored", "filings after the bad ones");
        // The broken index line is a failure with its number.
        let broken = index(DAY_B).errors;
        assert_eq!(broken.len(), 1);
        let line = format!("form.20261118.idx line {}: ", broken[0].0);
        assert!(first.failures.iter().any(|f| f.starts_with(&line)), "{:?}", first.failures);
        assert_eq!(first.failures.len(), errors.len() + broken.len(), "{:?}", first.failures);
        // funding_tracker ran after the sync.
        assert!(funding_monthly::Entity::find().count(&state.db).await.unwrap() > 0);

        let before = snapshot(&state).await;
        let served = requests(&server).await;
        let second = sync::vc_sync(&state.db, &state.sources.edgar, &days, notable, &Quiet).await.unwrap();
        assert_eq!(second.rows_written, 0, "{second:?}");
        assert_eq!(snapshot(&state).await, before);
        assert_eq!(requests(&server).await, served + 2, "a second sync reads the two indexes and nothing else");
    }

    fn an_original_met_after_its_amendment_does_not_make_a_second_round(url) {
        let server = edgar(&[DAY_A, DAY_B]).await;
        let state = upstream_state(&url, &server.uri()).await;
        let notable = state.config.venture.notable_round_usd;
        sync::vc_sync(&state.db, &state.sources.edgar, &[date(DAY_B)], notable, &Quiet).await.unwrap();
        let amended = round_of(&state, 1910001).await;
        assert_eq!(amended.len(), 1);
        assert_eq!((amended[0].key.as_str(), amended[0].announced_on), ("edgar:0001910001-26-000001", date(DAY_B)));
        sync::vc_sync(&state.db, &state.sources.edgar, &[date(DAY_A)], notable, &Quiet).await.unwrap();
        let rounds = round_of(&state, 1910001).await;
        assert_eq!(rounds.len(), 1, "{rounds:?}");
        let r = &rounds[0];
        assert_eq!((r.amount_sold, r.form_type.as_str()), (Some(7_250_000.0), "D/A"), "the amendment's figures stay");
        assert_eq!(r.announced_on, date(DAY_A), "but the round now dates from its original");
        assert_eq!(filing(&state, "0001910001-26-000001").await.unwrap().status, "stored");
    }

    fn ipo_monitor_follows_the_pipeline_and_acquisitions_from_the_index(url) {
        let server = edgar(&[DAY_A, DAY_B]).await;
        let state = upstream_state(&url, &server.uri()).await;
        let days = [date(DAY_A), date(DAY_B)];
        let first = sync::ipo_monitor(&state.db, &state.sources.edgar, &days, &Quiet).await.unwrap();
        assert!(first.rows_written > 0);
        let all = entries(&[DAY_A, DAY_B]);

        // One pipeline entry per company that filed a registration statement; every form
        // of the index recorded once.
        let registrants: BTreeSet<u64> =
            all.iter().filter(|e| ["S-1", "F-1", "S-1/A", "F-1/A"].contains(&e.form.as_str())).map(|e| e.cik).collect();
        let ipos = ipo_filings::Entity::find().all(&state.db).await.unwrap();
        assert_eq!(ipos.iter().map(|i| i.cik.unwrap() as u64).collect::<BTreeSet<_>>(), registrants);
        let mut forms = classify::IPO_FORMS.to_vec();
        forms.extend(classify::ACQUISITION_FORMS);
        let mut want = per_form(&all, &forms);
        let got = recorded(&state).await;
        // 8-Ks are recorded only when they touch an open deal.
        assert_eq!(got.get("8-K"), Some(&1));
        want.insert("8-K".into(), 1);
        assert_eq!(got, want);

        let by_cik = |cik: i64| ipos.iter().find(|i| i.cik == Some(cik)).unwrap().clone();
        let lumen = by_cik(1900123);
        assert_eq!((lumen.status.as_str(), lumen.priced_on, lumen.amendments), ("priced", Some(date(DAY_B)), 1));
        assert_eq!((lumen.filed_on, lumen.form.as_str(), lumen.sector.as_str()), (date(DAY_A), "S-1", "ai-software"));
        let kelp = by_cik(1920002);
        assert_eq!((kelp.status.as_str(), kelp.withdrawn_on, kelp.sector.as_str()), ("withdrawn", Some(date(DAY_B)), "other"));
        assert_eq!((by_cik(1960001).status.as_str(), by_cik(1960001).form.as_str()), ("filed", "F-1"));
        assert_eq!(by_cik(1960002).status, "filed");
        let history: Vec<String> = ipo_events::Entity::find()
            .filter(ipo_events::Column::IpoId.eq(lumen.id))
            .order_by_asc(ipo_events::Column::Id)
            .all(&state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {} {}", e.filed_on, e.form, e.status))
            .collect();
        assert_eq!(history, ["2026-11-17 S-1 filed", "2026-11-18 S-1/A amended", "2026-11-18 424B4 priced"]);

        // Offering terms: each entry shows what its newest filing that states any says.
        let want_terms = expected_terms(&[DAY_A, DAY_B]);
        for ipo in &ipos {
            let events = ipo_events::Entity::find().filter(ipo_events::Column::IpoId.eq(ipo.id)).all(&state.db).await.unwrap();
            let newest = events
                .iter()
                .filter(|e| matches!(want_terms.get(&e.accession), Some(Ok(Some(_)))))
                .max_by_key(|e| (e.filed_on, classify::ipo_rank(&e.form)));
            let shown = (ipo.price_low, ipo.price_high, ipo.shares_offered, ipo.offering_amount);
            match newest {
                None => assert_eq!((shown, ipo.terms_accession.as_deref()), ((None, None, None, None), None), "{ipo:?}"),
                Some(e) => {
                    let o = want_terms[&e.accession].clone().unwrap().unwrap();
                    assert_eq!(shown, (o.price_low, o.price_high, o.shares.map(|n| n as i64), o.amount), "{ipo:?}");
                    assert_eq!((ipo.terms_form.as_deref(), ipo.terms_accession.as_deref(), ipo.terms_filed_on), (Some(e.form.as_str()), Some(e.accession.as_str()), Some(e.filed_on)));
                }
            }
        }
        // What the fixtures say, in figures: the 424B4's price replaced the S-1/A's range.
        assert_eq!((lumen.price_low, lumen.price_high, lumen.shares_offered, lumen.offering_amount), (Some(17.0), Some(17.0), Some(12_500_000), Some(212_500_000.0)));
        assert_eq!((lumen.terms_form.as_deref(), lumen.terms_filed_on), (Some("424B4"), Some(date(DAY_B))));
        let tidewater = by_cik(1960001);
        assert_eq!((tidewater.price_low, tidewater.price_high, tidewater.shares_offered), (Some(11.0), Some(13.0), Some(10_000_000)));
        assert_eq!((kelp.price_low, kelp.offering_amount, kelp.terms_form.clone()), (None, None, None), "an S-1 with placeholders states nothing");
        assert_eq!(filing(&state, "0001920002-26-000003").await.unwrap().error, None, "and that is no failure");
        // A document that is no prospectus: the status moved, the terms are unknown and why
        // is on the filing's record and in the run's failures.
        let meridian = by_cik(1960002);
        assert_eq!((meridian.status.as_str(), meridian.price_low, meridian.offering_amount), ("filed", None, None));
        let rec = filing(&state, "0001960002-26-000001").await.unwrap();
        assert_eq!(rec.status, "stored");
        let why = rec.error.unwrap_or_default();
        assert!(why.starts_with("offering terms unknown: dmeridian-s1.htm: the document is not a registration statement"), "{why}");
        assert!(first.failures.iter().any(|f| f == &format!("0001960002-26-000001: {why}")), "{:?}", first.failures);
        // Those, and the index's broken line.
        assert_eq!(first.failures.len(), terms_failures(&[DAY_A, DAY_B]) + index(DAY_B).errors.len(), "{:?}", first.failures);
        // A 424B4 of a company outside the pipeline (a follow-on) prices nothing.
        let follow_on = filing(&state, "0000070001-26-000009").await.unwrap();
        assert_eq!(follow_on.status, "skipped");
        assert!(ipos.iter().all(|i| i.cik != Some(70001)));
        let companies = companies::Entity::find().all(&state.db).await.unwrap();
        let lumen_co = companies.iter().find(|c| c.cik == Some(1900123)).unwrap();
        assert_eq!((lumen_co.tickers.as_deref(), lumen.company_id), (Some("LUMO"), Some(lumen_co.id)));

        // One acquisition per S-4, DEFM14A and SC TO-T filing.
        let deals = acquisitions::Entity::find().all(&state.db).await.unwrap();
        let want_deals: usize = per_form(&all, &classify::ACQUISITION_FORMS).values().sum();
        assert_eq!(deals.len(), want_deals);
        let deal = |acc: &str| deals.iter().find(|d| d.key == format!("edgar:{acc}")).unwrap().clone();
        let tender = deal("0001970001-26-000005");
        assert_eq!((tender.acquirer_name.as_deref(), tender.target_name.as_deref()), (Some("Osprey Holdings Corp"), Some("Pinecone Games, Inc.")));
        assert_eq!((tender.form_type.as_str(), tender.status.as_str()), ("SC TO-T", "pending"));
        let proxy = deal("0001193125-26-300060");
        assert_eq!((proxy.acquirer_name, proxy.target_name.as_deref()), (None, Some("Quillfish Therapeutics, Inc.")));
        let s4 = deal("0001930001-26-000010");
        assert_eq!((s4.status.as_str(), s4.announced_on), ("announced", date(DAY_A)));
        assert_eq!(s4.last_filing_on, Some(date(DAY_B)), "the acquirer's later 8-K");
        assert_eq!(deal("0001980001-26-000002").last_filing_on, Some(date(DAY_B)));

        let before = snapshot(&state).await;
        let again = sync::ipo_monitor(&state.db, &state.sources.edgar, &days, &Quiet).await.unwrap();
        assert_eq!(again.rows_written, 0, "{again:?}");
        assert_eq!(snapshot(&state).await, before);
    }

    fn the_newest_document_states_the_terms_the_s1s_fee_table_then_the_range_then_the_price(url) {
        let server = edgar(&[DAY_A, DAY_B]).await;
        // The first read of the second day's index holds the S-1/A but not yet the 424B4.
        let without_424b4: String = index_text(DAY_B).lines().filter(|l| !l.starts_with("424B4")).map(|l| format!("{l}\n")).collect();
        Mock::given(method("GET"))
            .and(path("/Archives/edgar/daily-index/2026/QTR4/form.20261118.idx"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(without_424b4, "text/plain"))
            .with_priority(1)
            .up_to_n_times(1)
            .mount(&server)
            .await;
        let state = upstream_state(&url, &server.uri()).await;
        let lumen = || async {
            ipo_filings::Entity::find().filter(ipo_filings::Column::Cik.eq(1900123)).one(&state.db).await.unwrap().unwrap()
        };
        let want = expected_terms(&[DAY_A, DAY_B]);
        let terms = |acc: &str| want[acc].clone().unwrap().unwrap();

        sync::ipo_monitor(&state.db, &state.sources.edgar, &[date(DAY_A)], &Quiet).await.unwrap();
        let s1 = terms("0001193125-26-300001");
        let l = lumen().await;
        assert_eq!((s1.price_low, s1.shares), (None, None), "the S-1 names no range, only its fee table");
        assert_eq!((l.status.as_str(), l.price_low, l.offering_amount), ("filed", None, s1.amount));
        assert_eq!(l.terms_form.as_deref(), Some("S-1"));

        sync::ipo_monitor(&state.db, &state.sources.edgar, &[date(DAY_B)], &Quiet).await.unwrap();
        let a = terms("0001193125-26-300040");
        let l = lumen().await;
        assert!(a.price_low < a.price_high);
        assert_eq!((l.status.as_str(), l.price_low, l.price_high, l.offering_amount), ("amended", a.price_low, a.price_high, a.amount));
        assert_eq!((l.terms_form.as_deref(), l.terms_accession.as_deref()), (Some("S-1/A"), Some("0001193125-26-300040")));

        sync::ipo_monitor(&state.db, &state.sources.edgar, &[date(DAY_B)], &Quiet).await.unwrap();
        let b4 = terms("0001193125-26-300050");
        let l = lumen().await;
        assert_eq!(b4.price_low, b4.price_high);
        assert_eq!((l.status.as_str(), l.price_low, l.price_high, l.offering_amount), ("priced", b4.price_low, b4.price_high, b4.amount));
        assert_eq!((l.shares_offered, l.terms_form.as_deref()), (b4.shares.map(|n| n as i64), Some("424B4")));
    }

    fn edgar_rate_page_for_a_prospectus_keeps_the_move_and_pauses_the_run(url) {
        let server = edgar(&[DAY_A, DAY_B]).await;
        Mock::given(method("GET"))
            .and(path_regex(r"^/Archives/edgar/data/\d+/000119312526300050/d900123d424b4\.htm$"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(fixture("rate-exceeded.html"), "text/html"))
            .with_priority(1)
            .mount(&server)
            .await;
        let state = upstream_state(&url, &server.uri()).await;
        let out = sync::ipo_monitor(&state.db, &state.sources.edgar, &[date(DAY_A), date(DAY_B)], &Quiet).await.unwrap();
        let paused: Vec<&String> = out.failures.iter().filter(|f| f.contains("EDGAR rate threshold exceeded")).collect();
        assert_eq!(paused.len(), 1, "{:?}", out.failures);
        assert!(paused[0].starts_with("0001193125-26-300050: offering terms unknown: d900123d424b4.htm: EDGAR rate threshold exceeded"), "{paused:?}");
        assert!(paused[0].ends_with("the rest is left for the next run"), "{paused:?}");
        // Priced all the same; the range stays, named as the S-1/A's.
        let l = ipo_filings::Entity::find().filter(ipo_filings::Column::Cik.eq(1900123)).one(&state.db).await.unwrap().unwrap();
        assert_eq!((l.status.as_str(), l.priced_on), ("priced", Some(date(DAY_B))));
        let a = expected_terms(&[DAY_A, DAY_B])["0001193125-26-300040"].clone().unwrap().unwrap();
        assert_eq!((l.price_low, l.price_high, l.terms_form.as_deref()), (a.price_low, a.price_high, Some("S-1/A")));
        assert_eq!(filing(&state, "0001193125-26-300050").await.unwrap().status, "stored");
        // The filings after it in the run's order (an RW, the day's acquisitions) wait for the next run.
        assert!(filing(&state, "0001920002-26-000004").await.is_none());
    }

    fn the_backfill_job_walks_every_day_of_its_range_and_skips_missing_days_quietly(url) {
        let server = edgar(&[DAY_A, DAY_B]).await;
        let state = upstream_state(&url, &server.uri()).await;
        let kind = JobKind::VentureBackfill { from: date(DAY_A), to: date(SATURDAY) };
        let report = run_slot(&state, kind.clone(), "test-1").await.unwrap().unwrap();
        let (_, _, _, errors) = expected_form_d(&[DAY_A, DAY_B]);
        let broken = index(DAY_B).errors.len();
        // The bad documents, the broken line and the IPO documents that could not be read;
        // the days without a file are no failure.
        let unread = terms_failures(&[DAY_A, DAY_B]);
        assert!(unread > 0, "the fixtures hold an unreadable registration statement");
        assert_eq!(report.outcome.failures.len(), errors.len() + broken + unread, "{:?}", report.outcome.failures);
        assert!(report.outcome.failures.iter().all(|f| !f.contains("20261121") && !f.contains("2026-11-21")));
        assert_eq!(report.status, "partial");
        assert!(report.outcome.rows_written > 0);
        let all = entries(&[DAY_A, DAY_B]);
        let mut forms = vec!["D", "D/A"];
        forms.extend(classify::IPO_FORMS);
        forms.extend(classify::ACQUISITION_FORMS);
        let mut want = per_form(&all, &forms);
        want.insert("8-K".into(), 1);
        assert_eq!(recorded(&state).await, want);
        // Five days asked for (17th to 21st): five index requests, three of them 404.
        let asked: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.url.path().to_string())
            .filter(|p| p.contains("daily-index"))
            .collect();
        assert_eq!(asked.len(), 5, "{asked:?}");

        let before = snapshot(&state).await;
        let rerun = run_slot(&state, kind, "test-2").await.unwrap().unwrap();
        assert_eq!(rerun.outcome.rows_written, 0);
        assert_eq!(snapshot(&state).await, before);
    }

    fn a_weekend_without_an_index_is_not_a_failure(url) {
        let server = edgar(&[]).await;
        let state = upstream_state(&url, &server.uri()).await;
        let notable = state.config.venture.notable_round_usd;
        let out = sync::vc_sync(&state.db, &state.sources.edgar, &[date(SATURDAY)], notable, &Quiet).await.unwrap();
        assert_eq!((out.failures.len(), out.rows_written, quarry::jobs::model::JobOutcome::from(out.clone()).status()), (0, 0, "succeeded"));
        assert_eq!(requests(&server).await, 1);
    }

    fn edgar_rate_page_pauses_the_sync_and_leaves_the_rest_for_the_next_run(url) {
        let server = edgar(&[DAY_B]).await;
        // The third Form D in the order the sync reads them answers with the rate page.
        Mock::given(method("GET"))
            .and(path_regex(r"^/Archives/edgar/data/\d+/000194000326000001/primary_doc\.xml$"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(fixture("rate-exceeded.html"), "text/html"))
            .with_priority(1)
            .mount(&server)
            .await;
        let state = upstream_state(&url, &server.uri()).await;
        let notable = state.config.venture.notable_round_usd;
        let out = sync::vc_sync(&state.db, &state.sources.edgar, &[date(DAY_B)], notable, &Quiet).await.unwrap();
        let paused: Vec<&String> = out.failures.iter().filter(|f| f.contains("EDGAR rate threshold exceeded; pausing EDGAR calls until")).collect();
        assert_eq!(paused.len(), 1, "{:?}", out.failures);
        assert!(paused[0].starts_with("0001940003-26-000001: "), "{paused:?}");
        // The two filings before it are stored; it and the rest are left unrecorded.
        let stored: BTreeSet<String> =
            edgar_filings::Entity::find().all(&state.db).await.unwrap().into_iter().map(|f| f.accession).collect();
        assert_eq!(stored, BTreeSet::from(["0001940001-26-000001".to_string(), "0001940002-26-000001".to_string()]));
        assert!(funding_rounds::Entity::find().all(&state.db).await.unwrap().iter().all(|r| !r.first_sale_yet_to_occur));
        // Index, two documents, their companies' submissions (404 here), the rate page.
        let served = requests(&server).await;
        assert_eq!(served, 1 + 2 + 2 + 1);
        // During the pause every EDGAR call fails at once: no request goes out.
        let again = sync::vc_sync(&state.db, &state.sources.edgar, &[date(DAY_B)], notable, &Quiet).await.unwrap();
        assert_eq!(again.failures.len(), 1, "{:?}", again.failures);
        assert!(again.failures[0].starts_with("form.20261118.idx: EDGAR rate threshold exceeded"), "{:?}", again.failures);
        assert_eq!((again.rows_written, quarry::jobs::model::JobOutcome::from(again.clone()).status()), (0, "failed"));
        assert_eq!(requests(&server).await, served);
    }

    fn without_an_edgar_user_agent_the_jobs_fail_and_nothing_is_sent(url) {
        let server = edgar(&[DAY_B]).await;
        let mut c = test_config(&url);
        upstream::point_sources_at(&mut c, &server.uri());
        c.sources.edgar_user_agent = String::new();
        let state = quarry::startup::prepare(c).await.unwrap();
        for kind in [JobKind::VcSync, JobKind::IpoMonitor, JobKind::VentureBackfill { from: date(DAY_B), to: date(DAY_B) }] {
            let report = run_slot(&state, kind.clone(), "no-ua").await.unwrap().unwrap();
            assert_eq!(report.status, "failed", "{kind:?}");
            let error = report.error.unwrap_or_default();
            assert!(error.contains("QUARRY_SOURCES__EDGAR_USER_AGENT=\"Name email@example.com\""), "{error}");
        }
        assert_eq!(requests(&server).await, 0, "a request reached EDGAR without a User-Agent");
        assert_eq!(edgar_filings::Entity::find().count(&state.db).await.unwrap(), 0);
    }
}

/// `quarry vc-backfill` as an operator runs it: a SQLite file in a scratch data folder.
fn quarry(dir: &std::path::Path, env: Vec<(String, String)>) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_quarry"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("QUARRY_DATA_DIR", dir.join("data"))
        .env("QUARRY_CONFIG", dir.join("Leptos.toml"))
        .env("QUARRY_BACKFILL_ON_START", "0")
        .envs(env)
        .current_dir(dir);
    std::fs::write(dir.join("Leptos.toml"), "").unwrap();
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vc_backfill_command_walks_the_range_and_refuses_without_a_user_agent() {
    let server = edgar(&[DAY_A]).await;
    let dir = tempfile::tempdir().unwrap();
    let env = upstream::env_for(&server.uri());
    let args = ["vc-backfill", "--from", DAY_A, "--to", "2026-11-18"];
    let mut cmd = quarry(dir.path(), env.clone());
    cmd.args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let filings = per_form(&entries(&[DAY_A]), &["D", "S-1", "S-4"]).values().sum::<usize>();
    assert!(
        stdout.contains(&format!("venture backfill succeeded: 2 days from {DAY_A} to 2026-11-18, {filings} filings")),
        "{stdout}"
    );
    let served = requests(&server).await;

    let no_ua: Vec<(String, String)> =
        env.into_iter().filter(|(k, _)| k != "QUARRY_SOURCES__EDGAR_USER_AGENT").collect();
    let mut cmd = quarry(dir.path(), no_ua.clone());
    cmd.args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("QUARRY_SOURCES__EDGAR_USER_AGENT=\"Name email@example.com\""), "{stderr}");
    let mut cmd = quarry(dir.path(), no_ua);
    cmd.args(["vc-backfill", "--from", "2026-11-18", "--to", DAY_A]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--from 2026-11-18 is after --to 2026-11-17"), "{stderr}");
    assert_eq!(requests(&server).await, served, "nothing was sent without a User-Agent");
}
