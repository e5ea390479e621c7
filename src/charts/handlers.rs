//! Chart downloads over plain HTTP: the kept chart packs as PDF.
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::view::ViewQuery;
use crate::error::AppError;
use crate::routing::Listed;
use crate::state::AppState;

pub fn routes<S>() -> Listed<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    Listed::new()
        .get("/api/charts/pack/{file}", pack_pdf)
        .get("/api/charts/view.svg", view_svg)
        .get("/api/charts/view.png", view_png)
        .get("/api/charts/view.pdf", view_pdf)
        .get("/api/charts/view.csv", view_csv)
        .get("/api/charts/series/{file}", series_file)
}

/// One series' chart as a download: the same as `view.{format}?series={slug}`.
#[utoipa::path(get, path = "/api/charts/series/{slug}.{format}", tag = "charts",
    params(
        ("slug" = String, Path, description = "The series (`/api/charts/series` lists them).", example = "gold"),
        ("format" = String, Path, description = "The file type.", example = "svg"),
        ("range" = inline(Option<crate::commodities::range::Range>), Query, description = "The span drawn (default `5y`).", example = "1y"),
        ("overlays" = Option<String>, Query, description = "Comma-separated, any of `sma50`, `sma200`, `band` (a daily commodity series)."),
        ("log" = Option<String>, Query, description = "`1` or `true`: a logarithmic value axis."),
    ),
    responses(
        (status = 200, description = "The chart.", content(
            (String = "image/svg+xml"), ("image/png"), ("application/pdf"), (String = "text/csv"))),
        (status = 400, description = "A bad parameter, or `series` or `ratio` given (the series is in the path); `parameter` names it.", body = AppError),
        (status = 404, description = "An unknown series or file type, or no observations in the range.", body = AppError),
    ))]
async fn series_file(State(state): State<AppState>, Path(file): Path<String>, q: ViewQ) -> Response {
    let Some((slug, ext)) = file.rsplit_once('.') else {
        return AppError::not_found(format!("no chart at '{file}': ask for SLUG.svg, .png, .pdf or .csv"))
            .into_response();
    };
    let q = match q {
        Ok(Query(mut q)) => {
            if q.series.is_some() || q.ratio.is_some() {
                return AppError::bad_parameter(
                    "series",
                    "the series is in the path; use /api/charts/view.* for several",
                )
                .into_response();
            }
            q.series = Some(slug.to_string());
            Ok(Query(q))
        }
        Err(e) => Err(e),
    };
    match ext {
        "svg" => view_svg(State(state), q).await,
        "png" => view_png(State(state), q).await,
        "pdf" => view_pdf(State(state), q).await,
        "csv" => view_csv(State(state), q).await,
        other => AppError::not_found(format!("no '.{other}' charts: svg, png, pdf or csv")).into_response(),
    }
}

type ViewQ = Result<Query<ViewQuery>, QueryRejection>;

/// Validates and builds a view for a download; errors in the API's JSON shape.
async fn view_data(state: &AppState, q: ViewQ) -> Result<(super::view::View, super::view::ViewData), AppError> {
    let Query(q) = q.map_err(|e| AppError::bad_parameter("query", e.body_text()))?;
    let known: Vec<String> = super::view::options(&state.db).await?.into_iter().map(|o| o.slug).collect();
    let view = super::view::parse(&q, &known)?;
    let data = super::view::build(&state.db, &view).await?;
    Ok((view, data))
}

fn file_stem(view: &super::view::View) -> String {
    format!("quarry-{}-{}", view.series.join("-"), view.range.as_str())
}

fn download(content_type: &str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

fn drawn<T>(r: Result<T, crate::plot::ChartError>) -> Result<T, AppError> {
    r.map_err(|e| match e {
        crate::plot::ChartError::Empty(_) => AppError::not_found("no observations in this range: nothing to draw"),
        e => AppError::internal("chart not drawn", e),
    })
}

/// The view's chart in its download frame (title, units, sources, date, DEMO).
fn framed(d: &super::view::ViewData) -> crate::plot::framed::Framed<'_> {
    crate::plot::framed::Framed { chart: &d.chart, caption: d.caption() }
}

/// The chart view as standalone SVG, with `<title>` and `<desc>`.
///
/// Two series with different units get two axes.
#[utoipa::path(get, path = "/api/charts/view.svg", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The chart.", content_type = "image/svg+xml", body = String),
        (status = 400, description = "No series, more than four, a repeated one, `ratio` without exactly two, overlays on more than one, or an unknown range or overlay; `parameter` names it.", body = AppError),
        (status = 404, description = "An unknown series, or a range with no observations.", body = AppError),
    ))]
async fn view_svg(State(state): State<AppState>, q: ViewQ) -> Response {
    match view_data(&state, q)
        .await
        .and_then(|(v, d)| Ok((v, drawn(crate::plot::framed::render_svg(&framed(&d), "chart", true))?)))
    {
        Ok((v, svg)) => download("image/svg+xml", format!("{}.svg", file_stem(&v)), svg.into_bytes()),
        Err(e) => e.into_response(),
    }
}

/// The chart view as a PNG at twice its 960 x 420 size.
#[utoipa::path(get, path = "/api/charts/view.png", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The chart.", content(("image/png"))),
        (status = 400, description = "A bad parameter; `parameter` names it.", body = AppError),
        (status = 404, description = "An unknown series, or a range with no observations.", body = AppError),
    ))]
async fn view_png(State(state): State<AppState>, q: ViewQ) -> Response {
    match view_data(&state, q).await.and_then(|(v, d)| Ok((v, drawn(crate::plot::render_png(&framed(&d), 2.0))?))) {
        Ok((v, png)) => download("image/png", format!("{}.png", file_stem(&v)), png),
        Err(e) => e.into_response(),
    }
}

/// The chart view as a one-page vector PDF.
#[utoipa::path(get, path = "/api/charts/view.pdf", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The chart.", content(("application/pdf"))),
        (status = 400, description = "A bad parameter; `parameter` names it.", body = AppError),
        (status = 404, description = "An unknown series, or a range with no observations.", body = AppError),
    ))]
async fn view_pdf(State(state): State<AppState>, q: ViewQ) -> Response {
    let pdf = view_data(&state, q).await.and_then(|(v, d)| {
        // Without the SVG's <title>: the frame draws the title, so the PDF adds no band.
        let svg = drawn(crate::plot::framed::render_svg(&framed(&d), "chart", false))?;
        Ok((v, drawn(crate::plot::svgs_to_pdf(&[svg]))?))
    });
    match pdf {
        Ok((v, pdf)) => download("application/pdf", format!("{}.pdf", file_stem(&v)), pdf),
        Err(e) => e.into_response(),
    }
}

/// The chart view's data as CSV, one column per line drawn.
///
/// Every observation in the range, not the thinned points the chart draws.
#[utoipa::path(get, path = "/api/charts/view.csv", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The data.", content_type = "text/csv", body = String),
        (status = 400, description = "A bad parameter; `parameter` names it.", body = AppError),
        (status = 404, description = "An unknown series, or a range with no observations.", body = AppError),
    ))]
async fn view_csv(State(state): State<AppState>, q: ViewQ) -> Response {
    let (view, data) = match view_data(&state, q).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let mut header = vec!["date"];
    header.extend(data.columns.iter().map(String::as_str));
    let rows = data.rows.iter().map(|(d, vals)| {
        std::iter::once(d.to_string()).chain(vals.iter().map(|v| v.map(|x| x.to_string()).unwrap_or_default()))
    });
    match crate::csv_export::write(&header, rows) {
        Ok(body) => download("text/csv; charset=utf-8", format!("{}.csv", file_stem(&view)), body),
        Err(e) => AppError::internal("cannot write CSV", e).into_response(),
    }
}

/// A kept macro chart pack as PDF: the latest, or a given day's.
#[utoipa::path(get, path = "/api/charts/pack/{date}.pdf", tag = "charts",
    params(("date" = String, Path, description = "`latest`, or a day as `YYYY-MM-DD`.", example = "latest")),
    responses(
        (status = 200, description = "The pack.", content(("application/pdf"))),
        (status = 400, description = "A malformed date; `parameter` is `date`.", body = AppError),
        (status = 404, description = "No pack yet, or none for that day: the `chart_pack` job makes one a day.", body = AppError),
    ))]
async fn pack_pdf(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(stem) = file.strip_suffix(".pdf") else {
        return AppError::not_found(format!("no pack at '{file}': ask for latest.pdf or YYYY-MM-DD.pdf"))
            .into_response();
    };
    let date = match stem {
        "latest" => None,
        d => match crate::params::parse_date(d) {
            Ok(d) => Some(d),
            Err(crate::params::DateError::Malformed) => {
                return AppError::bad_parameter("date", format!("'{d}' is not a date like 2026-11-28 (or 'latest')"))
                    .into_response()
            }
            Err(e) => return AppError::bad_parameter("date", crate::params::date_error_message(d, e)).into_response(),
        },
    };
    let found = match super::pack_service::file(&state.db, &state.config.data_dir, date).await {
        Ok(f) => f,
        Err(e) => return AppError::from(e).into_response(),
    };
    let Some((day, path)) = found else {
        let what = date.map(|d| format!("for {d}")).unwrap_or_else(|| "yet".into());
        return AppError::not_found(format!(
            "no chart pack {what}: the chart_pack job makes one a day, or run `quarry chart-pack`"
        ))
        .into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"quarry-chart-pack-{day}.pdf\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            AppError::internal("the chart pack file is missing", format!("{}: {e}", path.display())).into_response()
        }
    }
}
