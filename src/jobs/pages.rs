use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{get_health, list_jobs, RunJob};
use crate::components::AutoRefresh;
use super::model::{FeedHealth, Health, JobRunView, JobView};

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "never".into())
}

fn duration(r: &JobRunView) -> String {
    match r.duration_secs {
        Some(s) if s < 60.0 => format!("{s:.1} s"),
        Some(s) => format!("{:.0} min {:.0} s", (s / 60.0).floor(), s % 60.0),
        None => "running".into(),
    }
}

#[component]
pub fn JobsPage() -> impl IntoView {
    // The form posts to the server function; without JavaScript (and with it, through
    // public/navigate.js) the answer is this page again: `?started=` after a start, the
    // error in the URL after a refusal, which `run.value()` reads on the server.
    let run = ServerAction::<RunJob>::new();
    let jobs = Resource::new(|| (), |_| list_jobs());
    let health = Resource::new(|| (), |_| get_health());
    view! {
        <Title text="Jobs"/>
        <h1>"Jobs and data health"</h1>
        <p class="lede">"Background jobs keep the data fresh. Schedules are six-field cron in UTC, set in Leptos.toml."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading jobs…"</p> }>
            {move || Suspend::new(async move {
                let (jobs, health) = (jobs.await, health.await);
                match (jobs, health) {
                    (Ok(jobs), Ok(health)) => view! { <JobsBody jobs health run/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobsBody(jobs: Vec<JobView>, health: Health, run: ServerAction<RunJob>) -> impl IntoView {
    let admin = health.admin_actions;
    // While a run or a backfill is going, the page follows it.
    let moving = health.backfill.is_some() || jobs.iter().any(|j| j.recent_runs.iter().any(|r| r.status == "running"));
    view! {
        {moving.then(|| view! { <AutoRefresh seconds=2/> })}
        {health.backfill.clone().map(|b| {
            let pct = b.progress.unwrap_or(0.0) * 100.0;
            view! {
                <section class="backfill" aria-live="polite">
                    <h2>"Backfill in progress"</h2>
                    <progress max="100" value=format!("{pct:.0}")>{format!("{pct:.0}%")}</progress>
                    <span>{format!(" {pct:.0}% · {} rows so far · started {}", b.rows_written, when(Some(b.started_at)))}</span>
                </section>
            }
        })}
        {admin.then(|| view! { <RunResult run/> })}
        <h2>"Jobs"</h2>
        <div class="table-wrap">
            <table class="data jobs">
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Schedule (UTC)"</th>
                        <th scope="col">"Next run"</th>
                        <th scope="col">"Last runs"</th>
                        {admin.then(|| view! { <th scope="col">"Run now"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {jobs.into_iter().map(|j| view! { <JobRow job=j admin run/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <StaleList health=health.clone()/>
        <h2>"Sources"</h2>
        <p class="lede">"One row per feed: a provider and the code of one series there. A feed that failed 3 times in a row is tried after the others for 30 minutes."</p>
        <div class="table-wrap">
            <table class="data feeds">
                <thead>
                    <tr>
                        <th scope="col">"Feed"</th>
                        <th scope="col">"Used by"</th>
                        <th scope="col">"Last success"</th>
                        <th scope="col">"Last error"</th>
                        <th scope="col" class="num">"Failures in a row"</th>
                        <th scope="col" class="num">"Rows last written"</th>
                    </tr>
                </thead>
                <tbody>{health.feeds.into_iter().map(|f| view! { <FeedRow feed=f/> }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn RunResult(run: ServerAction<RunJob>) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let started = move || {
        let q = query.read();
        q.get("started").map(|job| (job, q.get("slot").unwrap_or_default()))
    };
    view! {
        {move || match (run.value().get(), started()) {
            (Some(Err(e)), _) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            (Some(Ok(s)), _) => view! { <StartedNotice job=s.job run=s.slot/> }.into_any(),
            (None, Some((job, run))) => view! { <StartedNotice job run/> }.into_any(),
            (None, None) => ().into_any(),
        }}
    }
}

#[component]
fn StartedNotice(job: String, run: String) -> impl IntoView {
    view! {
        <p class="notice" role="status">
            {format!("Started {job} (run {run}). The list below follows it until it finishes.")}
        </p>
    }
}

#[component]
fn JobRow(job: JobView, admin: bool, run: ServerAction<RunJob>) -> impl IntoView {
    let schedule = match (job.schedule.is_empty(), job.registered) {
        (false, _) => job.schedule.clone(),
        (true, true) => "not scheduled: on demand".to_string(),
        (true, false) => "disabled".to_string(),
    };
    let next = match (job.registered, job.next_run) {
        (false, _) => "not in this build yet".to_string(),
        (true, None) => "—".to_string(),
        (true, Some(t)) => when(Some(t)),
    };
    let runnable = job.registered;
    let name = job.name.clone();
    view! {
        <tr data-job=job.name.clone()>
            <td>
                <strong>{job.name.clone()}</strong>
                <br/>
                <small>{job.description.clone()}</small>
            </td>
            <td><code>{schedule}</code></td>
            <td>{next}</td>
            <td>
                {if job.recent_runs.is_empty() {
                    view! { <span class="muted">"no runs yet"</span> }.into_any()
                } else {
                    view! {
                        <ul class="runs">
                            {job.recent_runs.into_iter().map(|r| view! {
                                <li data-status=r.status.clone()>
                                    <span class=format!("status {}", r.status)>{r.status.clone()}</span>
                                    {format!(" {} · {} · {} rows", when(Some(r.started_at)), duration(&r), r.rows_written)}
                                    {r.error.clone().map(|e| view! { <pre class="error run-error">{e}</pre> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </td>
            {admin.then(|| view! {
                <td>
                    {runnable.then(|| view! {
                        <ActionForm action=run attr:class="run-now">
                            <input type="hidden" name="job" value=name.clone()/>
                            <label>
                                <span class="visually-hidden">"Admin token"</span>
                                <input type="password" name="token" placeholder="admin token" autocomplete="off" required/>
                            </label>
                            <button type="submit">"Run now"</button>
                        </ActionForm>
                    })}
                </td>
            })}
        </tr>
    }
}

#[component]
fn StaleList(health: Health) -> impl IntoView {
    view! {
        <h2>"Stale instruments"</h2>
        {if health.stale.is_empty() {
            view! { <p class="muted">"None: every instrument is as fresh as its frequency allows."</p> }.into_any()
        } else {
            view! {
                <ul class="stale-list">
                    {health.stale.into_iter().map(|s| view! {
                        <li data-slug=s.slug.clone()><strong>{s.name}</strong>": "<span class="stale-reason">{s.reason}</span></li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn FeedRow(feed: FeedHealth) -> impl IntoView {
    let failing = feed.consecutive_failures > 0;
    view! {
        <tr data-feed=format!("{}/{}", feed.provider, feed.code) class:failing=failing>
            <th scope="row">
                {feed.provider_label.clone()}" "<code>{feed.code.clone()}</code>
                {feed.unavailable.clone().map(|u| view! { <br/><small class="muted">{u}</small> })}
            </th>
            <td>{feed.instruments.join(", ")}</td>
            <td>{when(feed.last_success_at)}</td>
            <td>
                {match (feed.last_error_at, feed.last_error.clone()) {
                    (Some(at), Some(e)) => view! { {when(Some(at))}<br/><small class="error">{e}</small> }.into_any(),
                    _ => view! { <span class="muted">"none"</span> }.into_any(),
                }}
            </td>
            <td class="num">{feed.consecutive_failures}</td>
            <td class="num">{feed.last_rows}</td>
        </tr>
    }
}
