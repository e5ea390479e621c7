//! `quarry chart-pack [--out FILE]` (also `quarry pack`): renders and keeps today's pack
//! like the daily job does, copies it to `out`, and prints what it made.
use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;

use crate::charts::pack_service::{file_name, generate};
use crate::state::AppState;

pub async fn run(state: &AppState, out: Option<PathBuf>) -> anyhow::Result<()> {
    let data_dir = &state.config.data_dir;
    let now = Utc::now();
    let (info, pdf) = generate(&state.db, &state.universe, data_dir, now.date_naive(), now).await?;
    if let Some(out) = &out {
        tokio::fs::write(out, &pdf).await.with_context(|| format!("cannot write {}", out.display()))?;
    }
    println!(
        "chart pack {}: {} pages, {} bytes, rendered in {} ms, data as of {}{}{} -> {}",
        info.date,
        info.pages,
        info.bytes,
        info.render_ms,
        info.data_as_of.map(|d| d.to_string()).unwrap_or_else(|| "none".into()),
        if info.missing_pages.is_empty() {
            String::new()
        } else {
            format!(", pages without data: {:?}", info.missing_pages)
        },
        if info.demo { ", includes DEMO data" } else { "" },
        out.unwrap_or_else(|| data_dir.join(file_name(info.date))).display(),
    );
    Ok(())
}
