//! Chart downloads over plain HTTP: the kept chart packs as PDF.
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::view::{View, ViewData, ViewQuery};
use crate::error::{AppError, BadParameter};
use crate::params::ApiQuery;
use crate::routing::Listed;
use crate::state::{AppState, WithApp};

pub fn routes<S: WithApp>() -> Listed<S> {
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
        Ok(ApiQuery(mut q)) => {
            if q.series.is_some() || q.ratio.is_some() {
                return AppError::bad_parameter(
                    "series",
                    "the series is in the path; use /api/charts/view.* for several",
                )
                .into_response();
            }
            q.series = Some(slug.to_string());
            Ok(q)
        }
        Err(e) => Err(e),
    };
    let Some(format) = [SVG, PNG, PDF, CSV].into_iter().find(|f| f.ext == ext) else {
        return AppError::not_found(format!("no '.{ext}' charts: svg, png, pdf or csv")).into_response();
    };
    match q {
        Ok(q) => view_file(&state, &q, format).await,
        Err(e) => e.into_response(),
    }
}

/// The 404 of a chart view's downloads, for their `#[utoipa::path(responses(...))]`.
#[derive(utoipa::IntoResponses)]
#[response(status = 404, description = "An unknown series, or a range with no observations.")]
pub struct NothingToDraw(pub AppError);

/// The view's query, its error held back: a series download answers its path's errors first.
type ViewQ = Result<ApiQuery<ViewQuery>, AppError>;

/// A file a chart view downloads as: its extension, its content type and how it is made.
struct Format {
    ext: &'static str,
    content_type: &'static str,
    make: fn(&ViewData) -> Result<Vec<u8>, AppError>,
}

const SVG: Format = Format { ext: "svg", content_type: "image/svg+xml", make: svg };
const PNG: Format = Format { ext: "png", content_type: "image/png", make: png };
const PDF: Format = Format { ext: "pdf", content_type: "application/pdf", make: pdf };
const CSV: Format = Format { ext: "csv", content_type: "text/csv; charset=utf-8", make: csv };

/// Validates and builds the view, then makes its file, named after the view
/// (`quarry-SERIES-RANGE.EXT`); errors in the API's JSON shape.
async fn view_file(state: &AppState, q: &ViewQuery, format: Format) -> Response {
    match view_data(state, q).await.and_then(|(v, d)| Ok((v, (format.make)(&d)?))) {
        Ok((v, body)) => download(format.content_type, format!("{}.{}", file_stem(&v), format.ext), body),
        Err(e) => e.into_response(),
    }
}

async fn view_data(state: &AppState, q: &ViewQuery) -> Result<(View, ViewData), AppError> {
    let known: Vec<String> = super::view::options(&state.db).await?.into_iter().map(|o| o.slug).collect();
    let view = super::view::parse(q, &known)?;
    let data = super::view::build(&state.db, &view).await?;
    Ok((view, data))
}

fn file_stem(view: &View) -> String {
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
fn framed(d: &ViewData) -> crate::plot::framed::Framed<'_> {
    crate::plot::framed::Framed { chart: &d.chart, caption: d.caption() }
}

fn svg(d: &ViewData) -> Result<Vec<u8>, AppError> {
    Ok(drawn(crate::plot::framed::render_svg(&framed(d), "chart", true))?.into_bytes())
}

fn png(d: &ViewData) -> Result<Vec<u8>, AppError> {
    drawn(crate::plot::render_png(&framed(d), 2.0))
}

fn pdf(d: &ViewData) -> Result<Vec<u8>, AppError> {
    // Without the SVG's <title>: the frame draws the title, so the PDF adds no band.
    let svg = drawn(crate::plot::framed::render_svg(&framed(d), "chart", false))?;
    drawn(crate::plot::svgs_to_pdf(&[svg]))
}

/// Every observation in the range, one column per line drawn.
fn csv(d: &ViewData) -> Result<Vec<u8>, AppError> {
    let mut header = vec!["date"];
    header.extend(d.columns.iter().map(String::as_str));
    let rows = d.rows.iter().map(|(day, vals)| {
        std::iter::once(day.to_string()).chain(vals.iter().map(|v| v.map(|x| x.to_string()).unwrap_or_default()))
    });
    crate::csv_export::write(&header, rows).map_err(|e| AppError::internal("cannot write CSV", e))
}

/// The chart view as standalone SVG, with `<title>` and `<desc>`.
///
/// Two series with different units get two axes.
#[utoipa::path(get, path = "/api/charts/view.svg", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The chart.", content_type = "image/svg+xml", body = String),
        (status = 400, description = "No series, more than four, a repeated one, `ratio` without exactly two, overlays on more than one, or an unknown range or overlay; `parameter` names it.", body = AppError),
        NothingToDraw,
    ))]
async fn view_svg(State(state): State<AppState>, ApiQuery(q): ApiQuery<ViewQuery>) -> Response {
    view_file(&state, &q, SVG).await
}

/// The chart view as a PNG at twice its 960 x 420 size.
#[utoipa::path(get, path = "/api/charts/view.png", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The chart.", content(("image/png"))),
        BadParameter,
        NothingToDraw,
    ))]
async fn view_png(State(state): State<AppState>, ApiQuery(q): ApiQuery<ViewQuery>) -> Response {
    view_file(&state, &q, PNG).await
}

/// The chart view as a one-page vector PDF.
#[utoipa::path(get, path = "/api/charts/view.pdf", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The chart.", content(("application/pdf"))),
        BadParameter,
        NothingToDraw,
    ))]
async fn view_pdf(State(state): State<AppState>, ApiQuery(q): ApiQuery<ViewQuery>) -> Response {
    view_file(&state, &q, PDF).await
}

/// The chart view's data as CSV, one column per line drawn.
///
/// Every observation in the range, not the thinned points the chart draws.
#[utoipa::path(get, path = "/api/charts/view.csv", tag = "charts", params(ViewQuery),
    responses(
        (status = 200, description = "The data.", content_type = "text/csv", body = String),
        BadParameter,
        NothingToDraw,
    ))]
async fn view_csv(State(state): State<AppState>, ApiQuery(q): ApiQuery<ViewQuery>) -> Response {
    view_file(&state, &q, CSV).await
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
        Ok(bytes) => download("application/pdf", format!("quarry-chart-pack-{day}.pdf"), bytes),
        Err(e) => {
            AppError::internal("the chart pack file is missing", format!("{}: {e}", path.display())).into_response()
        }
    }
}
