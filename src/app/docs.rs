//! The API page: every stable endpoint with a curl example. docs/api.md holds the same list.
use leptos::prelude::*;
use leptos_meta::Title;

pub const ENDPOINTS: [(&str, &str); 27] = [
    ("GET /api/commodities/overview", "Every instrument: last value, unit, as-of date, frequency, source, 1d/1m/1y change (see Changes below; null where the frequency has none), sparkline. Optional ?group=metals|energy|ai-materials|space-tech."),
    ("GET /api/commodities/metals | energy | ai-materials | space-tech", "The overview of one group."),
    ("GET /api/commodities/signals", "Every instrument's latest signals; ?group=, ?stance=bullish|neutral|bearish, ?sort=<column>&dir=asc|desc; change_1d and roc_1w/1m/3m/1y are changes as defined below. As CSV: /api/commodities/signals.csv."),
    ("GET /api/commodities/trending", "Gainers and losers by their change over 1d/1w/1m/1y (as defined below), largest |z-score|, new 52-week highs and lows; ?limit=1..50."),
    ("GET /api/commodities/compare", "2 to 6 instruments rebased to 100 and their return correlations; ?instruments=a,b&from=&to=&base=."),
    ("GET /api/commodities/config", "The universe: groups, instruments and macro series with their ordered sources."),
    ("GET /api/commodities/{slug}", "One instrument: figures, every signal, sources with licences."),
    ("GET /api/commodities/{slug}/history", "Its history; ?from=&to=&interval=auto|raw|week|month|year&points=. As CSV: .../history.csv."),
    ("GET /api/pages/commodity", "What the instrument page shows: ?slug=&range=1m|3m|1y|5y|10y|max, charts as inline SVG."),
    ("GET /api/macro/series", "The macro series (FRED) with last value, as-of, frequency and source."),
    ("GET /api/charts/series", "Every series a chart view can draw."),
    ("GET /api/charts/view", "A chart view as JSON with inline SVG; ?series=a[,b,c,d]&range=&overlays=sma50,sma200,band&ratio=1&log=1."),
    ("GET /api/charts/view.svg | .png | .pdf | .csv", "The same view as a download."),
    ("GET /api/charts/series/{slug}.svg | .png | .pdf | .csv", "One series' chart; ?range=&overlays=&log=."),
    ("GET /api/charts/packs", "The kept chart packs, newest first."),
    ("GET /api/charts/pack/latest.pdf", "The latest macro chart pack; /api/charts/pack/YYYY-MM-DD.pdf for a given day."),
    ("GET /api/jobs", "Every job: schedule, next run, recent runs."),
    ("GET /api/jobs/health", "Feed and series health, stale instruments, a running backfill."),
    ("GET /api/jobs/failures", "Failed runs grouped by job and short reason with counts, newest first; ?page=N (20 groups a page)."),
    ("POST /api/jobs/run", "Run a job now (form field job; admin token as field token or Bearer header)."),
    ("GET /api/status", "Version, and whether generated demo data is present."),
    ("GET /healthz", "The process is alive (plain text)."),
    ("GET /readyz", "The database answers (503 when it does not)."),
    ("Changes", crate::commodities::changes::CHANGE_RULE),
    ("Errors", "JSON {kind, message, parameter}: 400 names the bad parameter, 404 an unknown thing, 401/403 for admin actions."),
    ("Demo data", "Every answer with generated data says demo: true and carries a notice; sources read \"demo\"."),
    ("Licences", "FRED data: not endorsed by the Federal Reserve Bank of St. Louis; each source's licence is in /api/commodities/{slug}."),
];

#[component]
pub fn ApiPage() -> impl IntoView {
    view! {
        <Title text="API"/>
        <h1>"API"</h1>
        <p class="lede">
            "The pages read their data through these endpoints, and so can you. Responses are JSON; errors are JSON too, with a "
            <code>"kind"</code> ", a " <code>"message"</code> " and the " <code>"parameter"</code>
            " at fault, and a 4xx status for bad input."
        </p>
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">"Endpoint"</th>
                    <th scope="col">"Returns"</th>
                </tr>
            </thead>
            <tbody>
                {ENDPOINTS
                    .into_iter()
                    .map(|(ep, what)| view! {
                        <tr>
                            <td><code>{ep}</code></td>
                            <td>{what}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <h2>"Example"</h2>
        <pre><code>"curl -s 'http://127.0.0.1:3000/api/commodities/overview?group=energy'"</code></pre>
    }
}
