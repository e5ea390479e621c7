//! The API page: every stable endpoint with a curl example. README holds the same list.
use leptos::prelude::*;
use leptos_meta::Title;

pub const ENDPOINTS: [(&str, &str); 5] = [
    ("GET /api/commodities/overview", "Every instrument: last value, unit, as-of date, frequency, source, 1d/1m/1y change (null where the frequency has none), sparkline. Optional ?group=metals|energy|ai-materials|space-tech."),
    ("GET /api/commodities/config", "The universe: groups and instruments with their ordered sources."),
    ("GET /api/status", "Version, and whether generated demo data is present."),
    ("GET /healthz", "The process is alive (plain text)."),
    ("GET /readyz", "The database answers (503 when it does not)."),
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
