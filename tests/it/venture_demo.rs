//! The venture demo and `funding_tracker` on SQLite and PostgreSQL: the tracker's exact
//! monthly aggregates and notable flags over a handful of rounds, a rerun that changes
//! nothing; the demo filling every venture table with rows labelled `demo`, a second seed
//! writing nothing, a later day moving dates without duplicating rows, and real data
//! replacing the demo while surviving it.
use std::collections::BTreeSet;

use chrono::{Days, NaiveDate, Utc};
use quarry::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_monthly, funding_rounds, funds, investors,
    ipo_events, ipo_filings, round_investors, valuations,
};
use quarry::demo::venture_store as demo;
use quarry::venture::{tracker, upsert};
use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

async fn connect(url: &str) -> DatabaseConnection {
    let db = quarry::db::connect(url).await.expect("connect");
    quarry::db::migrate(&db).await.expect("migrate");
    db
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn count<E: EntityTrait>(db: &DatabaseConnection) -> u64
where
    E::Model: Sync,
{
    E::find().count(db).await.unwrap()
}

async fn count_where<E: EntityTrait>(db: &DatabaseConnection, cond: impl IntoCondition) -> u64
where
    E::Model: Sync,
{
    E::find().filter(cond).count(db).await.unwrap()
}

fn company(name: &str, source: &str) -> companies::Model {
    companies::Model {
        id: 0,
        key: format!("name:{}", upsert::slug(name)),
        cik: None,
        name: name.to_string(),
        name_key: upsert::name_key(name),
        sector: "ai-software".into(),
        state: Some("CA".into()),
        city: None,
        jurisdiction: None,
        year_of_inc: None,
        sic: None,
        industry_group: None,
        website: None,
        description: None,
        tickers: None,
        source: source.to_string(),
        source_id: format!("{source}.csv:2"),
        fetched_at: Utc::now(),
    }
}

fn round(
    company_id: i32,
    key: &str,
    on: &str,
    sector: &str,
    stage: &str,
    amount: Option<f64>,
    source: &str,
) -> funding_rounds::Model {
    funding_rounds::Model {
        id: 0,
        key: key.to_string(),
        company_id,
        announced_on: d(on),
        first_sale_on: None,
        first_sale_yet_to_occur: false,
        stage: stage.to_string(),
        sector: sector.to_string(),
        state: Some("CA".into()),
        amount_offered: amount,
        offering_indefinite: false,
        amount_sold: amount,
        amount_remaining: amount.map(|_| 0.0),
        investor_count: None,
        minimum_investment: None,
        currency: "USD".into(),
        form_type: "import".into(),
        accession: None,
        original_accession: None,
        notable: false,
        source: source.to_string(),
        source_id: "rounds.csv:2".into(),
        fetched_at: Utc::now(),
    }
}

/// (month, sector, stage) -> (rounds, amount sold, rounds with amount, demo)
async fn monthly(db: &DatabaseConnection) -> Vec<(NaiveDate, String, String, i64, f64, i64, bool)> {
    funding_monthly::Entity::find()
        .order_by_asc(funding_monthly::Column::Month)
        .order_by_asc(funding_monthly::Column::Sector)
        .order_by_asc(funding_monthly::Column::Stage)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.month, m.sector, m.stage, m.rounds, m.amount_sold, m.rounds_with_amount, m.demo))
        .collect()
}

async fn notable_keys(db: &DatabaseConnection) -> BTreeSet<String> {
    funding_rounds::Entity::find()
        .filter(funding_rounds::Column::Notable.eq(true))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect()
}

/// Rows of every venture table that has a `source`, whose source is not `demo`.
async fn non_demo_rows(db: &DatabaseConnection) -> Vec<(&'static str, u64)> {
    vec![
        ("companies", count_where::<companies::Entity>(db, companies::Column::Source.ne("demo")).await),
        ("investors", count_where::<investors::Entity>(db, investors::Column::Source.ne("demo")).await),
        ("funding_rounds", count_where::<funding_rounds::Entity>(db, funding_rounds::Column::Source.ne("demo")).await),
        ("acquisitions", count_where::<acquisitions::Entity>(db, acquisitions::Column::Source.ne("demo")).await),
        ("valuations", count_where::<valuations::Entity>(db, valuations::Column::Source.ne("demo")).await),
        ("funds", count_where::<funds::Entity>(db, funds::Column::Source.ne("demo")).await),
        (
            "fund_cash_flows",
            count_where::<fund_cash_flows::Entity>(db, fund_cash_flows::Column::Source.ne("demo")).await,
        ),
        ("fund_holdings", count_where::<fund_holdings::Entity>(db, fund_holdings::Column::Source.ne("demo")).await),
        ("ipo_filings", count_where::<ipo_filings::Entity>(db, ipo_filings::Column::Source.ne("demo")).await),
        ("ipo_events", count_where::<ipo_events::Entity>(db, ipo_events::Column::Accession.not_like("DEMO-%")).await),
        ("funding_monthly", count_where::<funding_monthly::Entity>(db, funding_monthly::Column::Demo.eq(false)).await),
    ]
}

/// Row counts of every venture table the demo fills.
async fn table_counts(db: &DatabaseConnection) -> Vec<(&'static str, u64)> {
    vec![
        ("companies", count::<companies::Entity>(db).await),
        ("investors", count::<investors::Entity>(db).await),
        ("funding_rounds", count::<funding_rounds::Entity>(db).await),
        ("round_investors", count::<round_investors::Entity>(db).await),
        ("acquisitions", count::<acquisitions::Entity>(db).await),
        ("valuations", count::<valuations::Entity>(db).await),
        ("funds", count::<funds::Entity>(db).await),
        ("fund_cash_flows", count::<fund_cash_flows::Entity>(db).await),
        ("fund_holdings", count::<fund_holdings::Entity>(db).await),
        ("ipo_filings", count::<ipo_filings::Entity>(db).await),
        ("ipo_events", count::<ipo_events::Entity>(db).await),
        ("funding_monthly", count::<funding_monthly::Entity>(db).await),
    ]
}

crate::on_both_backends! {
    fn tracker_aggregates_by_month_sector_and_stage_and_flags_notable_rounds(url) {
        let db = connect(&url).await;
        let empty = tracker::run(&db, 1e8, Utc::now()).await.unwrap();
        assert_eq!(empty, tracker::TrackerOutcome { months: 0, rows: 0, notable: 0 });

        let (a, _) = upsert::upsert_company(&db, company("Acme Robotics, Inc.", "import")).await.unwrap();
        let (b, _) = upsert::upsert_company(&db, company("Borealis Bio, Inc.", "demo")).await.unwrap();
        let rows = [
            round(a, "r1", "2026-01-05", "ai-software", "seed", Some(2e6), "import"),
            round(a, "r2", "2026-01-20", "ai-software", "seed", None, "import"),
            round(a, "r3", "2026-01-31", "ai-software", "series-a", Some(150e6), "import"),
            round(b, "r4", "2026-02-01", "biotech", "seed", Some(3e6), "demo"),
            round(b, "r5", "2026-02-28", "biotech", "seed", Some(1e6), "demo"),
            round(a, "r6", "2026-02-14", "biotech", "seed", Some(5e6), "import"),
            round(b, "r7", "2026-02-10", "biotech", "series-b", Some(100e6), "demo"),
        ];
        for mut r in rows {
            // A stale flag the tracker must clear.
            r.notable = r.key == "r1";
            upsert::upsert_round(&db, r).await.unwrap();
        }

        let first = tracker::run(&db, 1e8, Utc::now()).await.unwrap();
        assert_eq!(first, tracker::TrackerOutcome { months: 2, rows: 4, notable: 2 });
        let expected = vec![
            (d("2026-01-01"), "ai-software".to_string(), "seed".to_string(), 2, 2e6, 1, false),
            (d("2026-01-01"), "ai-software".to_string(), "series-a".to_string(), 1, 150e6, 1, false),
            // Two demo rounds and one imported: not a demo aggregate.
            (d("2026-02-01"), "biotech".to_string(), "seed".to_string(), 3, 9e6, 3, false),
            (d("2026-02-01"), "biotech".to_string(), "series-b".to_string(), 1, 100e6, 1, true),
        ];
        assert_eq!(monthly(&db).await, expected);
        assert_eq!(notable_keys(&db).await, BTreeSet::from(["r3".to_string(), "r7".to_string()]), "at or above the threshold");

        let again = tracker::run(&db, 1e8, Utc::now()).await.unwrap();
        assert_eq!(again, first, "a rerun is idempotent");
        assert_eq!(monthly(&db).await, expected);
        assert_eq!(notable_keys(&db).await, BTreeSet::from(["r3".to_string(), "r7".to_string()]));

        // A higher threshold turns a flag off; the aggregates do not move.
        let higher = tracker::run(&db, 120e6, Utc::now()).await.unwrap();
        assert_eq!(higher.notable, 1);
        assert_eq!(notable_keys(&db).await, BTreeSet::from(["r3".to_string()]));
        assert_eq!(monthly(&db).await, expected);

        // A removed round leaves no stale month behind.
        funding_rounds::Entity::delete_many().filter(funding_rounds::Column::AnnouncedOn.gte(d("2026-02-01"))).exec(&db).await.unwrap();
        let after = tracker::run(&db, 1e8, Utc::now()).await.unwrap();
        assert_eq!((after.months, after.rows), (1, 2));
        assert!(tracker::run(&db, 0.0, Utc::now()).await.is_err(), "a zero threshold is refused");
    }

    fn demo_seed_fills_every_venture_table_once_and_labels_every_row(url) {
        let db = connect(&url).await;
        let today = Utc::now().date_naive();
        let first = demo::seed(&db, today, 1e8).await.unwrap();
        assert!(!first.real_data);
        assert!(first.tally.inserted > 500, "{first:?}");
        assert!(first.monthly_rows > 20, "{first:?}");
        let counts = table_counts(&db).await;
        for (table, n) in &counts {
            assert!(*n > 0, "{table} is empty");
        }
        let get = |t: &str| counts.iter().find(|c| c.0 == t).unwrap().1;
        assert_eq!((get("companies"), get("investors"), get("funds")), (60, 40, 8));
        assert_eq!((get("acquisitions"), get("ipo_filings")), (12, 15));
        assert!((200..=300).contains(&get("funding_rounds")), "{counts:?}");
        for (table, n) in non_demo_rows(&db).await {
            assert_eq!(n, 0, "{table} has rows that are not demo");
        }
        assert_eq!(count_where::<companies::Entity>(&db, companies::Column::Cik.is_not_null()).await, 0);
        assert_eq!(count_where::<funds::Entity>(&db, funds::Column::Cik.is_not_null()).await, 0);
        assert_eq!(count_where::<funding_rounds::Entity>(&db, funding_rounds::Column::Key.not_like("demo:%")).await, 0);
        assert_eq!(count_where::<funding_rounds::Entity>(&db, funding_rounds::Column::SourceId.ne("demo")).await, 0);
        assert_eq!(count_where::<funding_rounds::Entity>(&db, funding_rounds::Column::FormType.ne("demo")).await, 0);
        let statuses: BTreeSet<String> = ipo_filings::Entity::find().all(&db).await.unwrap().into_iter().map(|i| i.status).collect();
        assert_eq!(statuses, BTreeSet::from(["amended", "filed", "priced", "withdrawn"].map(String::from)));
        let rounds = funding_rounds::Entity::find().all(&db).await.unwrap();
        assert!(rounds.iter().all(|r| r.announced_on <= today));
        assert!(rounds.iter().any(|r| r.offering_indefinite) && rounds.iter().any(|r| r.first_sale_yet_to_occur));
        for r in &rounds {
            assert_eq!(r.notable, r.amount_sold.is_some_and(|a| a >= 1e8), "{}", r.key);
        }
        assert!(rounds.iter().any(|r| r.notable), "the demo has notable rounds");
        let monthly_rounds: i64 = monthly(&db).await.iter().map(|m| m.3).sum();
        assert_eq!(monthly_rounds as usize, rounds.len(), "the aggregates cover every round");
        let leads = count_where::<round_investors::Entity>(&db, round_investors::Column::IsLead.eq(true)).await;
        assert!(leads > 150, "{leads} leads");
        let navs = count_where::<fund_cash_flows::Entity>(&db, fund_cash_flows::Column::Kind.eq("nav")).await;
        assert_eq!(navs, 8, "one NAV row per fund");

        let computed = funding_monthly::Entity::find().one(&db).await.unwrap().unwrap().computed_at;
        let second = demo::seed(&db, today, 1e8).await.unwrap();
        assert_eq!(second.written(), 0, "{second:?}");
        assert_eq!(second.monthly_rows, 0);
        assert_eq!(second.tally.unchanged, first.tally.inserted);
        assert_eq!(table_counts(&db).await, counts, "a second seed changes nothing");
        assert_eq!(funding_monthly::Entity::find().one(&db).await.unwrap().unwrap().computed_at, computed);

        // A later day moves dates and the NAV quarter, and duplicates nothing.
        let later = today + Days::new(100);
        let moved = demo::seed(&db, later, 1e8).await.unwrap();
        assert!(moved.tally.updated > 100, "{moved:?}");
        let after = table_counts(&db).await;
        for table in ["companies", "investors", "funding_rounds", "round_investors", "acquisitions", "valuations", "funds", "fund_holdings", "ipo_filings", "ipo_events"] {
            let n = |c: &Vec<(&str, u64)>| c.iter().find(|x| x.0 == table).unwrap().1;
            assert_eq!(n(&after), n(&counts), "{table}");
        }
        assert_eq!(count_where::<fund_cash_flows::Entity>(&db, fund_cash_flows::Column::Kind.eq("nav")).await, 8);
        let newest = rounds.iter().map(|r| r.announced_on).max().unwrap();
        let newest_later = funding_rounds::Entity::find().all(&db).await.unwrap().into_iter().map(|r| r.announced_on).max().unwrap();
        assert_eq!(newest_later, newest + Days::new(100));
        let events = ipo_events::Entity::find().all(&db).await.unwrap();
        let ipos = ipo_filings::Entity::find().all(&db).await.unwrap();
        for i in &ipos {
            let last = events.iter().filter(|e| e.ipo_id == i.id).map(|e| e.filed_on).max().unwrap();
            assert_eq!(last, i.last_event_on, "{}: events follow their filing's dates", i.company_name);
        }
    }

    fn real_venture_data_replaces_the_demo_and_survives_it(url) {
        let db = connect(&url).await;
        let today = Utc::now().date_naive();
        demo::seed(&db, today, 1e8).await.unwrap();
        assert!(demo::has_demo_data(&db).await.unwrap());
        assert!(!demo::has_real_data(&db).await.unwrap());
        assert_eq!(demo::give_way(&db).await.unwrap(), 0, "nothing real yet: the demo stays");

        let (id, _) = upsert::upsert_company(&db, company("Acme Robotics, Inc.", "import")).await.unwrap();
        assert!(demo::has_real_data(&db).await.unwrap());
        let refused = demo::seed(&db, today, 1e8).await.unwrap();
        assert!(refused.real_data && refused.written() == 0, "{refused:?}");

        let removed = demo::clear(&db).await.unwrap();
        assert!(removed > 1000, "{removed} rows removed");
        let counts = table_counts(&db).await;
        for (table, n) in &counts {
            let expected = u64::from(*table == "companies");
            assert_eq!(*n, expected, "{table}");
        }
        let left = companies::Entity::find().one(&db).await.unwrap().unwrap();
        assert_eq!((left.id, left.source.as_str(), left.name.as_str()), (id, "import", "Acme Robotics, Inc."));
        assert!(!demo::has_demo_data(&db).await.unwrap());
        assert_eq!(demo::clear(&db).await.unwrap(), 0);

        // The same through `give_way`, as the server runs it, with a real round and its
        // month surviving.
        upsert::upsert_round(&db, round(id, "import:acme-robotics-inc:2026-01-05:seed", "2026-01-05", "ai-software", "seed", Some(2e6), "import")).await.unwrap();
        let seeded = demo::refresh(&db, true, today, 1e8).await.unwrap();
        assert!(seeded.real_data && seeded.written() == 0, "real data: no demo is seeded");
        // Demo rows written before the real ones arrived (an older run) give way.
        let mut fake = company("Zz Demo Co", "demo");
        fake.key = "demo:company:zz-demo-co".into();
        upsert::upsert_company(&db, fake).await.unwrap();
        tracker::run(&db, 1e8, Utc::now()).await.unwrap();
        assert!(demo::give_way(&db).await.unwrap() >= 1);
        assert_eq!(count_where::<companies::Entity>(&db, companies::Column::Source.eq("demo")).await, 0);
        assert_eq!(count::<companies::Entity>(&db).await, 1);
        assert_eq!(count::<funding_rounds::Entity>(&db).await, 1);
        assert_eq!(monthly(&db).await, vec![(d("2026-01-01"), "ai-software".into(), "seed".into(), 1, 2e6, 1, false)]);
    }
}
