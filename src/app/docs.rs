//! The API page: every endpoint of the OpenAPI document (`/api/openapi.json`), grouped by
//! tag, with its parameters, answers and a curl example. The page is rendered on the server
//! from the document itself (`openapi::reference`, handed over as [`Reference`]), so it lists
//! what the handlers declare.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{Col, DataTable};

/// One tag of the document and its endpoints, in the document's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndpointGroup {
    pub tag: String,
    pub description: String,
    pub endpoints: Vec<EndpointDoc>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndpointDoc {
    /// `GET`, `POST`.
    pub method: String,
    /// The path template, `/api/commodities/{slug}`.
    pub path: String,
    /// An HTML id for links to the endpoint.
    pub anchor: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<ParamDoc>,
    /// The request body's media types and fields, when there is one.
    pub body: Option<String>,
    /// Needs the admin token.
    pub admin: bool,
    pub responses: Vec<ResponseDoc>,
    pub curl: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParamDoc {
    pub name: String,
    /// `query` or `path`.
    pub location: String,
    pub required: bool,
    /// The type and, where the values are a fixed list, that list.
    pub accepts: String,
    pub description: String,
    pub example: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResponseDoc {
    pub status: String,
    pub description: String,
    /// Media types, each with the schema's name where it has one (`application/json: Overview`).
    pub content: String,
}

/// The document's endpoints as the page shows them. The server provides them with each
/// request (`server::router`, from `openapi::reference`, which reads the handlers this app
/// serves, so the app does not import it); the page is never rendered in the browser (it
/// holds no island).
#[derive(Debug, Clone, Copy)]
pub struct Reference(pub &'static [EndpointGroup]);

fn reference() -> Vec<EndpointGroup> {
    use_context::<Reference>().map(|r| r.0.to_vec()).unwrap_or_default()
}

#[component]
pub fn ApiPage() -> impl IntoView {
    let groups = reference();
    let count: usize = groups.iter().map(|g| g.endpoints.len()).sum();
    view! {
        <Title text="API"/>
        <h1>"API"</h1>
        <p class="lede">
            "The pages read their data through these endpoints, and so can you. Answers are JSON unless an endpoint says otherwise; errors are JSON too, with a "
            <code>"kind"</code> ", a " <code>"message"</code> " and the " <code>"parameter"</code>
            " at fault, and a 4xx status for bad input. Answers holding generated demo data say "
            <code>"\"demo\": true"</code> "."
        </p>
        <p class="api-changes">
            <strong>"Changes. "</strong>
            {crate::commodities::changes::CHANGE_RULE}
        </p>
        <p>
            "This page is rendered from the OpenAPI document, "
            <a href="/api/openapi.json">"/api/openapi.json"</a>
            {format!(", which describes all {count} endpoints with their parameters and answers. ")}
            "The examples assume " <code>"quarry serve"</code> " on " <code>"127.0.0.1:3000"</code> "."
        </p>
        <nav class="api-toc" aria-label="Endpoint groups">
            <ul>
                {groups
                    .iter()
                    .map(|g| {
                        let href = format!("#{}", g.tag);
                        let label = format!("{} ({})", g.tag, g.endpoints.len());
                        view! { <li><a href=href>{label}</a></li> }
                    })
                    .collect_view()}
            </ul>
        </nav>
        {groups.into_iter().map(|g| view! { <ApiGroup group=g/> }).collect_view()}
    }
}

#[component]
fn ApiGroup(group: EndpointGroup) -> impl IntoView {
    view! {
        <section class="api-group" id=group.tag.clone()>
            <h2>{group.tag.clone()}</h2>
            <p>{group.description}</p>
            {group.endpoints.into_iter().map(|e| view! { <Endpoint e=e/> }).collect_view()}
        </section>
    }
}

#[component]
fn Endpoint(e: EndpointDoc) -> impl IntoView {
    let has_params = !e.params.is_empty();
    view! {
        <article class="endpoint" id=e.anchor.clone()>
            <h3>
                <span class="method">{e.method.clone()}</span>" "
                <code class="path">{e.path.clone()}</code>
            </h3>
            <p class="summary">{e.summary}</p>
            {(!e.description.is_empty()).then(|| view! { <p>{e.description}</p> })}
            {e.admin.then(|| view! {
                <p class="notice">"Admin: the admin token as " <code>"Authorization: Bearer"</code> "."</p>
            })}
            {has_params.then(|| view! {
                <DataTable class="params" cols=vec![
                    Col::text("Parameter"), Col::text("In"), Col::text("Accepts"), Col::text("Meaning"),
                ]>
                            {e.params.into_iter().map(|p| view! {
                                <tr>
                                    <th scope="row">
                                        <code>{p.name}</code>
                                        {p.required.then(|| view! { " " <span class="required">"required"</span> })}
                                    </th>
                                    <td>{p.location}</td>
                                    <td>{p.accepts}</td>
                                    <td>
                                        {p.description}
                                        {p.example.map(|x| view! { " Example: " <code>{x}</code> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                </DataTable>
            })}
            {e.body.map(|b| view! { <p>"Body: " {b}</p> })}
            <ul class="responses">
                {e.responses.into_iter().map(|r| view! {
                    <li>
                        <strong>{r.status}</strong>" "{r.description}
                        {(!r.content.is_empty()).then(|| view! { " " <code class="ctype">{r.content}</code> })}
                    </li>
                }).collect_view()}
            </ul>
            <pre class="curl"><code>{e.curl}</code></pre>
        </article>
    }
}
