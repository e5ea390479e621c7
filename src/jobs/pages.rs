use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{get_failures, get_health, list_jobs, RunJob};
use super::feeds::{by_provider, ProviderSummary};
use super::model::{FailurePage, FeedHealth, Health, JobRunView, JobView};
use crate::auth::pages::{SignInFirst, SignedInOnly};
use crate::components::{AutoRefresh, Col, DataTable, ErrorBox, ErrorLine, ErrorText, Loading};
use crate::error::AppError;
use crate::format::fmt_time;

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(fmt_time).unwrap_or_else(|| "never".into())
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
    let auth = Resource::new(|| (), |_| crate::auth::api::get_auth_status());
    let query = leptos_router::hooks::use_query_map();
    let failures = Resource::new(move || query.read().get("page"), get_failures);
    view! {
        <Title text="Jobs"/>
        <h1>"Jobs and data health"</h1>
        <p class="lede">"Background jobs keep the data fresh. Schedules are six-field cron in UTC, set in Leptos.toml."</p>
        <Suspense fallback=|| view! { <Loading text="Loading jobs…"/> }>
            {move || Suspend::new(async move {
                let (jobs, health, failures) = (jobs.await, health.await, failures.await);
                let signed_in = auth.await.is_ok_and(|a| a.signed_in);
                match (jobs, health) {
                    (Ok(jobs), Ok(health)) => view! { <JobsBody jobs health failures signed_in run/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorBox e what="jobs"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobsBody(
    jobs: Vec<JobView>,
    health: Health,
    failures: Result<FailurePage, AppError>,
    signed_in: bool,
    run: ServerAction<RunJob>,
) -> impl IntoView {
    // The run-now column for the signed-in admin; a sign-in link when admin actions exist.
    let admin = health.admin_actions && signed_in;
    // While a run or a backfill is going, the page follows it.
    let moving = health.backfill.is_some() || jobs.iter().any(|j| j.recent_runs.iter().any(|r| r.status == "running"));
    view! {
        {moving.then(|| view! { <AutoRefresh seconds=2/> })}
        {health.offline_notice.clone().map(|n| view! { <p class="notice offline" role="status">{n}</p> })}
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
        // What a run-now post answered (`?started=`, or the error): shown wherever admin
        // actions exist, since the answer of a form without JavaScript lands here.
        {health.admin_actions.then(|| view! { <RunResult run/> })}
        <h2>"Jobs"</h2>
        {(health.admin_actions && !signed_in).then(|| view! { <SignInFirst back="/jobs" to="run a job now"/> })}
        <DataTable class="jobs" cols=job_cols(admin)>
            {jobs.into_iter().map(|j| view! { <JobRow job=j admin run/> }).collect_view()}
        </DataTable>
        <Failures failures/>
        <StaleList health=health.clone()/>
        <Sources feeds=health.feeds/>
    }
}

fn job_cols(admin: bool) -> Vec<Col> {
    let mut cols = vec![Col::text("Job"), Col::text("Schedule (UTC)"), Col::text("Next run"), Col::text("Last runs")];
    if admin {
        cols.push(Col::text("Run now"));
    }
    cols
}

/// Feed health: one row per provider, then every feed in a list that opens by itself while
/// one is failing (fifty-odd rows would make the page a wall; a failing one must not hide).
#[component]
fn Sources(feeds: Vec<FeedHealth>) -> impl IntoView {
    let providers = by_provider(&feeds);
    let failing = providers.iter().any(|p| !p.failing.is_empty());
    view! {
        <h2>"Sources"</h2>
        <p class="lede">"A feed is a provider and the code of one series there. A feed that failed 3 times in a row is tried after the others for 30 minutes."</p>
        <DataTable class="providers" cols=vec![
            Col::text("Provider"), Col::num("Feeds"), Col::text("Last success"), Col::text("Failing now"), Col::text("Last error"),
        ]>
            {providers.into_iter().map(|p| view! { <ProviderRow p/> }).collect_view()}
        </DataTable>
        <details class="feeds" open=failing>
            <summary>{format!("Every feed ({})", feeds.len())}</summary>
            <DataTable class="feeds" cols=vec![
                Col::text("Feed"), Col::text("Used by"), Col::text("Last success"), Col::text("Last error"),
                Col::num("Failures in a row"), Col::num("Rows last written"),
            ]>
                {feeds.into_iter().map(|f| view! { <FeedRow feed=f/> }).collect_view()}
            </DataTable>
        </details>
    }
}

#[component]
fn ProviderRow(p: ProviderSummary) -> impl IntoView {
    let failing = !p.failing.is_empty();
    let unavailable = p
        .unavailable
        .iter()
        .map(|(why, n)| format!("{n} feed{} off: {why}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <tr data-provider=p.provider.clone() class:failing=failing>
            <th scope="row">
                {p.label.clone()}
                {(!unavailable.is_empty()).then(|| view! { <br/><small class="muted">{unavailable}</small> })}
            </th>
            <td class="num">{p.feeds}</td>
            <td>{when(p.last_success_at)}</td>
            <td class="failing-feeds">
                {if failing {
                    p.failing.iter().map(|(code, n)| format!("{code} ({n} in a row)")).collect::<Vec<_>>().join(", ")
                } else {
                    "none".to_string()
                }}
            </td>
            <td>
                {match p.last_error.clone() {
                    Some((at, e)) => view! { {when(Some(at))}<br/><small class="error"><ErrorText full=e/></small> }.into_any(),
                    None => view! { <span class="muted">"none"</span> }.into_any(),
                }}
            </td>
        </tr>
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
            (Some(Err(e)), _) => view! { <ErrorLine message=e.message/> }.into_any(),
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
        _ if job.paused.is_some() => job.paused.clone().unwrap_or_default(),
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
                                    {r.error.clone().map(|e| view! { <div class="error run-error"><ErrorText full=e/></div> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </td>
            {admin.then(|| view! {
                <td>
                    {runnable.then(|| view! { <RunNowForm run job=name.clone() class="run-now" button="Run now"/> })}
                </td>
            })}
        </tr>
    }
}

/// The two ways to make today's pack now: the admin's "Generate now" (the jobs page's
/// run-now form, for the chart_pack job) and the command line.
#[component]
pub fn MakePackNow() -> impl IntoView {
    let run = ServerAction::<RunJob>::new();
    view! {
        <section class="make-pack" aria-labelledby="make-pack-h">
            <h2 id="make-pack-h">"Make one now"</h2>
            <p>
                <strong>"Generate now"</strong>
                " (the signed-in admin): renders today's pack in the background and replaces today's if there is one; the "
                <a href="/jobs">"Jobs"</a> " page then follows the run."
            </p>
            <SignedInOnly back="/charts/pack" to="generate the pack now">
                <RunNowForm run job="chart_pack" class="run-now generate-pack" button="Generate now"/>
            </SignedInOnly>
            {move || run.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorLine message=e.message/> })}
            <p>
                "On the command line: " <code>"quarry pack --out pack.pdf"</code>
                " (the same as " <code>"quarry chart-pack"</code>
                ") renders today's pack from the database, keeps it like the job does, and copies it to the file. "
                "From a program: " <code>"POST /api/jobs/run"</code> " with " <code>"job=chart_pack"</code>
                " and the admin token as " <code>"Authorization: Bearer"</code> "; the newest pack is always at "
                <a href="/api/charts/pack/latest.pdf" rel="external"><code>"/api/charts/pack/latest.pdf"</code></a> "."
            </p>
        </section>
    }
}

/// The signed-in admin's form that starts a job now: the job's name, posted to
/// `/api/jobs/run` with the session cookie (the jobs page's rows and the chart pack's
/// "Generate now").
#[component]
pub fn RunNowForm(
    run: ServerAction<RunJob>,
    #[prop(into)] job: String,
    class: &'static str,
    button: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=run attr:class=class>
            <input type="hidden" name="job" value=job/>
            <button type="submit">{button}</button>
        </ActionForm>
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
                        <li data-slug=s.slug.clone()><strong>{s.name}</strong>": "<span class="stale-reason"><ErrorText full=s.reason/></span></li>
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
                    (Some(at), Some(e)) => view! { {when(Some(at))}<br/><small class="error"><ErrorText full=e/></small> }.into_any(),
                    _ => view! { <span class="muted">"none"</span> }.into_any(),
                }}
            </td>
            <td class="num">{feed.consecutive_failures}</td>
            <td class="num">{feed.last_rows}</td>
        </tr>
    }
}

/// Failed and partial runs, grouped by job and reason with counts, newest first and paged
/// (`?page=N`), so thousands of failures make a short table instead of a wall of errors.
#[component]
fn Failures(failures: Result<FailurePage, AppError>) -> impl IntoView {
    let page = match failures {
        Ok(p) => p,
        Err(e) => {
            crate::error::set_page_status(&e);
            return view! {
                <h2 id="failures">"Failures"</h2>
                <ErrorLine message=e.message>" "<a href="/jobs">"First page"</a></ErrorLine>
            }
            .into_any();
        }
    };
    if page.groups.is_empty() {
        return view! {
            <h2 id="failures">"Failures"</h2>
            <p class="muted">"No failed runs."</p>
        }
        .into_any();
    }
    let link = |n: u64| if n == 1 { "/jobs#failures".to_string() } else { format!("/jobs?page={n}#failures") };
    view! {
        <h2 id="failures">"Failures"</h2>
        <p class="lede">{format!(
            "{} failed or partial runs, grouped by job and reason, newest first. Each group's newest full error is one click away.",
            page.total_runs
        )}</p>
        <DataTable class="failures" cols=vec![Col::text("Job"), Col::text("Reason"), Col::num("Runs"), Col::text("Latest")]>
                    {page.groups.into_iter().map(|g| view! {
                        <tr data-failure-job=g.job.clone()>
                            <th scope="row">{g.job.clone()}</th>
                            <td>
                                <span class="error-short">{g.reason.clone()}</span>
                                <details class="error-details">
                                    <summary>"Full error"</summary>
                                    <pre>{g.latest_error.clone()}</pre>
                                </details>
                            </td>
                            <td class="num failure-count">{g.count}</td>
                            <td>{when(Some(g.latest_at))}</td>
                        </tr>
                    }).collect_view()}
        </DataTable>
        {(page.pages > 1).then(|| view! {
            <nav class="pager" aria-label="Failure pages">
                {(page.page > 1).then(|| view! { <a rel="prev" href=link(page.page - 1)>"Newer"</a> " " })}
                <span>{format!("page {} of {}", page.page, page.pages)}</span>
                {(page.page < page.pages).then(|| view! { " " <a rel="next" href=link(page.page + 1)>"Older"</a> })}
            </nav>
        })}
    }
    .into_any()
}
