use leptos::prelude::*;
use leptos_meta::Title;

use super::api::list_jobs;
use super::model::JobView;

#[component]
pub fn JobsPage() -> impl IntoView {
    let jobs = Resource::new(|| (), |_| list_jobs());
    view! {
        <Title text="Jobs"/>
        <h1>"Jobs"</h1>
        <p class="lede">"Background jobs keep the data fresh. Schedules are six-field cron in UTC, set in Leptos.toml."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading jobs…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(list) => view! { <JobsTable jobs=list/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobsTable(jobs: Vec<JobView>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Schedule (UTC)"</th>
                        <th scope="col">"Last run"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Rows"</th>
                    </tr>
                </thead>
                <tbody>
                    {jobs
                        .into_iter()
                        .map(|j| {
                            let last = j.recent_runs.first().cloned();
                            let schedule = if j.schedule.is_empty() { "disabled".to_string() } else { j.schedule.clone() };
                            view! {
                                <tr>
                                    <td>
                                        <strong>{j.name.clone()}</strong>
                                        <br/>
                                        <small>{j.description.clone()}</small>
                                    </td>
                                    <td><code>{schedule}</code></td>
                                    <td>
                                        {last
                                            .as_ref()
                                            .map(|r| r.started_at.format("%Y-%m-%d %H:%M UTC").to_string())
                                            .unwrap_or_else(|| "never".into())}
                                    </td>
                                    <td>
                                        {match (&last, j.registered) {
                                            (Some(r), _) => r.status.clone(),
                                            (None, true) => "waiting for its first slot".into(),
                                            (None, false) => "not in this build yet".into(),
                                        }}
                                        {last.as_ref().and_then(|r| r.error.clone()).map(|e| view! { <br/><small class="error">{e}</small> })}
                                    </td>
                                    <td class="num">{last.map(|r| r.rows_written.to_string()).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
