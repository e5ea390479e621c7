//! The admin's sign-in page (`/login`): a plain form posted to `POST /login`, so it works
//! the same with JavaScript off; and the link other pages show in place of an admin form.
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_auth_status;
use super::model::AuthStatus;
use crate::components::{ErrorBox, ErrorLine, Loading};
use crate::format::fmt_time;

/// What `POST /login` says in `?error=` when it sends a browser back: a fixed code, so no
/// text of the request is ever echoed into the page.
fn error_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "wrong" => "The password is wrong.",
        "limited" => "Too many sign-in attempts from your address. Wait a minute, then try again.",
        "origin" => "The sign-in must be sent from this site's own page.",
        "unset" => "No admin password is set. On the server, run quarry admin set-password.",
        "form" => "The form had no password.",
        _ => return None,
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_auth_status());
    let query = leptos_router::hooks::use_query_map();
    let (error, next, signed_out) = query.with_untracked(|q| {
        (q.get("error").and_then(|c| error_text(&c)), q.get("next").unwrap_or_default(), q.get("signed_out").is_some())
    });
    view! {
        <Title text="Sign in"/>
        <h1>"Admin sign-in"</h1>
        <Suspense fallback=|| view! { <Loading text="Loading…"/> }>
            {move || {
                let next = next.clone();
                Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <LoginBody status=s error next signed_out/> }.into_any(),
                        Err(e) => view! { <ErrorBox e what="sign-in"/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn LoginBody(status: AuthStatus, error: Option<&'static str>, next: String, signed_out: bool) -> impl IntoView {
    if status.signed_in {
        let until = status.expires_at.map(fmt_time).unwrap_or_default();
        return view! {
            <p class="notice" role="status">{format!("You are signed in as the admin until {until} at the latest (sooner if left idle).")}</p>
            <p>"Admin actions: " <a href="/jobs">"run a job now"</a> ", " <a href="/venture/import">"import venture data"</a> ", "
               <a href="/charts/pack">"generate the chart pack"</a> "."</p>
            <form method="post" action="/logout" class="sign-out">
                <button type="submit">"Sign out"</button>
            </form>
        }
        .into_any();
    }
    if !status.password_set {
        return view! {
            <p class="notice">
                "No admin password is set, so nobody can sign in. On the server, run "
                <code>"quarry admin set-password"</code> " (it reads the password from standard input), or set "
                <code>"QUARRY_ADMIN_PASSWORD_HASH"</code> " to a hash made with " <code>"quarry admin hash-password"</code> "."
            </p>
            {status.admin_enabled.then(|| view! {
                <p>"Programs can still take admin actions with the admin token as " <code>"Authorization: Bearer"</code> "."</p>
            })}
        }
        .into_any();
    }
    view! {
        {signed_out.then(|| view! { <p class="notice" role="status">"You are signed out."</p> })}
        {status.require_login.then(|| view! { <p class="notice">"This Quarry shows nothing until you sign in."</p> })}
        {error.map(|e| view! { <ErrorLine message=e/> })}
        <form method="post" action="/login" class="sign-in">
            <input type="hidden" name="next" value=next/>
            <label>
                <span>"Admin password"</span>
                <input type="password" name="password" autocomplete="current-password" required autofocus/>
            </label>
            <button type="submit">"Sign in"</button>
        </form>
        <p class="muted">"A session ends after a set number of hours, or sooner when left idle. Programs send the admin token as "
            <code>"Authorization: Bearer"</code> " instead."</p>
    }
    .into_any()
}

/// In place of an admin form for a visitor who is not signed in: where to sign in, coming
/// back to `back` afterwards.
#[component]
pub fn SignInFirst(back: &'static str, #[prop(into)] to: String) -> impl IntoView {
    let href = format!("/login?next={}", crate::params::encode(back));
    view! {
        <p class="notice sign-in-first"><a href=href>"Sign in"</a>{format!(" as the admin to {to}.")}</p>
    }
}

/// Its children (an admin form) for the signed-in admin; for anyone else, where to sign in,
/// or that admin actions are off on this server.
#[component]
pub fn SignedInOnly(back: &'static str, #[prop(into)] to: String, children: ChildrenFn) -> impl IntoView {
    let status = Resource::new(|| (), |_| get_auth_status());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (children, to) = (children.clone(), to.clone());
                Suspend::new(async move {
                    match status.await {
                        Ok(s) if s.signed_in => children().into_any(),
                        Ok(s) if !s.admin_enabled => view! { <AdminDisabled/> }.into_any(),
                        Ok(_) => view! { <SignInFirst back to/> }.into_any(),
                        Err(e) => view! { <ErrorLine message=e.message/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Admin actions need an admin password or token, and this server has neither.
#[component]
pub fn AdminDisabled() -> impl IntoView {
    view! {
        <p class="notice admin-disabled">
            "Admin actions are off on this server: set an admin password with "
            <code>"quarry admin set-password"</code> " (or the admin token, " <code>"QUARRY_ADMIN_TOKEN"</code> ")."
        </p>
    }
}
