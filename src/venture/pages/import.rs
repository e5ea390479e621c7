//! The admin upload page (`/venture/import`): a plain multipart HTML form posted to
//! `/api/venture/import/form`, which answers with a page of its own (the summary, every
//! bad row with its line, or the progress of a large file), so it works the same with
//! JavaScript off. The layout is shown
//! on the page; `venture::import` is what enforces it.
use leptos::prelude::*;
use leptos_meta::Title;

use super::VentureNav;
use crate::auth::pages::SignedInOnly;
use crate::components::{Col, DataTable};

/// Per record: the CSV `record` value, the JSON section, its columns (required ones
/// marked `*`), and what to know about it.
pub const RECORD_HELP: [(&str, &str, &str, &str); 8] = [
    (
        "company",
        "companies",
        "name*, cik, sector, state, city, website, year_founded, description",
        "sector is one of ai-software, biotech, health, fintech, energy, hardware, consumer, industrial, real-estate, funds, other (other when blank). A company already known (same CIK, or same name) gets the fields you give; blank ones keep what it had.",
    ),
    (
        "round",
        "rounds",
        "company*, announced_on*, stage*, amount_usd, pre_money_usd, post_money_usd, lead_investors, investors",
        "company: a company row of the file or one Quarry knows, by name or as cik:NUMBER. stage is one of pre-seed, seed, series-a, series-b, series-c, series-d+, growth, debt, grant, unstated. Investors are ;-separated names, created when unknown; a lead also listed in investors counts once, as lead. A post-money also records a post-money valuation.",
    ),
    (
        "investor",
        "investors",
        "name*, kind, website, city",
        "kind is one of venture capital, corporate, angel, accelerator, growth, other (venture capital when blank).",
    ),
    (
        "acquisition",
        "acquisitions",
        "acquirer*, target*, announced_on*, closed_on, price_usd, status",
        "status is one of announced, pending, completed, withdrawn (completed when closed_on is given, else announced). Acquirer and target are linked to known companies of the same name.",
    ),
    (
        "valuation",
        "valuations",
        "company*, valued_on*, post_money_usd*, pre_money_usd, basis*",
        "basis is one of post-money, 409A, secondary, mark.",
    ),
    (
        "fund",
        "funds",
        "name*, cik, manager, vintage, size_usd, strategy, state",
        "manager names the firm (an investor, created when unknown); size_usd is the target size.",
    ),
    (
        "cash_flow",
        "cash_flows",
        "fund*, date*, kind*, amount_usd*",
        "kind is call, distribution or nav. Calls may be given positive or negative and are stored negative (paid in); distributions and NAV are positive.",
    ),
    (
        "holding",
        "holdings",
        "fund*, company*, invested_usd*, realized_usd, unrealized_usd, as_of*",
        "One row per fund and company; realized and unrealized are 0 when blank.",
    ),
];

const CSV_EXAMPLE: &str = "\
record,name,sector,company,announced_on,stage,amount_usd,post_money_usd,lead_investors,investors,fund,date,kind
company,Acme Robotics,ai-software,,,,,,,,,,
round,,,Acme Robotics,2025-03-04,series-a,12000000,60000000,North Ventures,North Ventures;Pine Capital,,,
fund,Pine Capital Fund I,,,,,,,,,,,
cash_flow,,,,,,250000,,,,Pine Capital Fund I,2025-01-15,call";

const JSON_EXAMPLE: &str = r#"{
  "companies": [{"name": "Acme Robotics", "sector": "ai-software"}],
  "rounds": [{"company": "Acme Robotics", "announced_on": "2025-03-04", "stage": "series-a",
              "amount_usd": 12000000, "post_money_usd": 60000000,
              "lead_investors": ["North Ventures"], "investors": ["Pine Capital"]}],
  "funds": [{"name": "Pine Capital Fund I"}],
  "cash_flows": [{"fund": "Pine Capital Fund I", "date": "2025-01-15", "kind": "call", "amount_usd": 250000}]
}"#;

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <Title text="Import venture data"/>
        <VentureNav/>
        <h1>"Import venture data"</h1>
        <p class="lede">
            "Add what EDGAR does not say: named investors and who led, stages, valuations, funds with their cash flows and holdings. "
            "A file is imported whole or not at all: every bad row is listed with its line number, and nothing is written until all are good. "
            "Importing the same file again changes nothing. For the signed-in admin only."
        </p>
        <SignedInOnly back="/venture/import" to="import a file">
            <form class="chart-form import-form" method="post" action="/api/venture/import/form" enctype="multipart/form-data">
                <label>
                    <span>"File name (optional: the chosen file's own name is used; .csv or .json decides the format, and rows record it as their source)"</span>
                    <input type="text" name="name" placeholder="rounds-2025.csv" maxlength="120" autocomplete="off"/>
                </label>
                <label class="inline">
                    <input type="checkbox" name="dry_run" value="true"/>
                    " Check only (dry run): validate and count, write nothing"
                </label>
                <label>
                    <span>"File (CSV or JSON, up to 10 MB)"</span>
                    <input type="file" name="file" accept=".csv,.json,text/csv,application/json"/>
                </label>
                <label>
                    <span>"Or paste the content"</span>
                    <textarea name="content" rows="10" cols="100" spellcheck="false"></textarea>
                </label>
                <button type="submit">"Import"</button>
            </form>
        </SignedInOnly>
        <p class="note">
            "A large file is imported in the background: you are taken to a page that follows it until it is done (the jobs page lists it as "
            <code>"venture_import"</code> "). From a shell: " <code>"quarry import FILE [--dry-run]"</code> ", or "
            <code>"curl -X POST -H \"Authorization: Bearer $QUARRY_ADMIN_TOKEN\" --data-binary @rounds.csv 'http://HOST/api/venture/import?name=rounds.csv&dry_run=false'"</code>
            ", which answers the summary, or 202 with a status URL to follow when the import takes longer than "
            <code>"wait"</code> " seconds (20 by default)."
        </p>
        <h2>"Layout"</h2>
        <p>
            "CSV: one file holds every table. The first column is " <code>"record"</code>
            " and says which table a line belongs to; the header names the columns the file uses (any of those below, in any order after "
            <code>"record"</code> "), and cells a record does not use stay blank. Lines starting with # are comments."
        </p>
        <p>
            "JSON: one object with an array per table (" <code>"companies"</code> ", " <code>"rounds"</code>
            ", ...), each row an object with the same field names; amounts may be numbers or strings, investor lists arrays of names."
        </p>
        <p>
            "Dates are YYYY-MM-DD. Amounts are whole US dollars: digits and an optional decimal point, no separators, currency signs or units (12500000, not 12.5m). "
            "Starred fields are required. A row refers to a company or fund by its name (letter case and extra spaces aside) or as cik:NUMBER."
        </p>
        <DataTable class="import-layout" cols=vec![
            Col::text("record (CSV)"), Col::text("section (JSON)"), Col::text("columns"), Col::text("notes"),
        ]>
                    {RECORD_HELP
                        .into_iter()
                        .map(|(record, section, columns, notes)| view! {
                            <tr data-record=record>
                                <th scope="row"><code>{record}</code></th>
                                <td><code>{section}</code></td>
                                <td>{columns}</td>
                                <td>{notes}</td>
                            </tr>
                        })
                        .collect_view()}
        </DataTable>
        <h3>"CSV example"</h3>
        <pre class="example">{CSV_EXAMPLE}</pre>
        <h3>"JSON example"</h3>
        <pre class="example">{JSON_EXAMPLE}</pre>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::venture::import::{parse, Record};

    #[test]
    fn the_help_lists_exactly_the_fields_the_parser_takes() {
        for (record, section, columns, _) in RECORD_HELP {
            let r = Record::ALL.into_iter().find(|r| r.name() == record).expect(record);
            assert_eq!(r.json_key(), section);
            let listed: Vec<&str> = columns.split(", ").map(|c| c.trim_end_matches('*')).collect();
            assert_eq!(listed, r.fields(), "{record}");
            let required: Vec<&str> =
                columns.split(", ").filter(|c| c.ends_with('*')).map(|c| c.trim_end_matches('*')).collect();
            assert_eq!(required, r.required(), "{record}");
        }
        assert_eq!(RECORD_HELP.len(), Record::ALL.len());
    }

    #[test]
    fn the_examples_on_the_page_are_valid() {
        for (name, text) in [("example.csv", CSV_EXAMPLE), ("example.json", JSON_EXAMPLE)] {
            let p = parse(name, text.as_bytes());
            assert!(p.errors.is_empty(), "{name}: {:?}", p.errors);
            assert_eq!(p.rows, 4, "{name}");
        }
    }
}
