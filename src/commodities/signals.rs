//! Technical signals for one price series: moving averages, MACD, RSI, rates of change, the
//! 52-week range, volatility, a 1-year z-score, golden/death crosses and a composite stance.
//!
//! Pure: no I/O, no async; only `chrono`, `serde` and std. Works on `&[(NaiveDate, f64)]`
//! sorted by date ascending without duplicate dates.
//!
//! # Frequencies
//! The rates of change are the app's one definition of a change over a period
//! ([`crate::commodities::changes::percent_change`]: a calendar look-back from the row's
//! date), so the signals agree with the overview, trending and every other page. Every
//! other window is a count of observations: a daily series uses a year of 252
//! observations. A monthly series only gets what makes sense on monthly points: its 1-month,
//! 3-month and 1-year changes, the 12-observation high/low with the distances to them and
//! the z-score against the last 12 observations. A weekly series gets the same on weekly
//! points plus the 1-week change, with the 52-observation high/low and z-score. An annual
//! series only gets the 1-year change. Everything else is `None` ("n/a"); [`applies`] tells
//! which indicator exists for which frequency, and [`min_observations`] from which point on.
//!
//! # Negative and zero prices
//! Prices may be zero or negative (WTI settled at -36.98 on 2020-04-20). Averages, EMAs,
//! MACD and RSI work on them as on any number. A ratio against a base that is zero or
//! negative is `None`: a rate of change from a base <= 0, the distance to a high (low)
//! <= 0, and a log return where either price is <= 0 (so the 20-day volatility is `None`
//! while any of its 20 returns is missing). No field is ever NaN or infinite: a value
//! that would be is `None`.
//!
//! # Incremental computation
//! [`compute`] runs over a whole series; [`extend`] continues from a stored row with new
//! points and gives bit-identical results: window indicators are recomputed from the raw
//! observations of their window (summed oldest first, in both paths), rates of change read
//! the observation their calendar start date names, and the recursive ones (EMA, MACD
//! signal, RSI) continue from [`CarryState`], which every row carries. A row records the
//! [`DEFINITION_VERSION`] it was computed under, so rows of an older definition are
//! recomputed rather than continued.
//! [`CarryState`] serializes its f64s as bit patterns, so JSON text keeps it exactly; only
//! the state matters for continuing (the indicator fields are plain numbers for display).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::changes::{self, Period};
use crate::universe::Frequency;

/// Observations of history that [`extend`] needs before the first new point for its
/// longest window (the 52-week range and the 1-year z-score over 252 observations); the
/// rates of change need a calendar year besides ([`history_start`] gives both). A series
/// shorter than this must be passed whole.
pub const LOOKBACK: usize = 252;

/// The version of the indicator definitions. Bump it when a change makes stored rows
/// wrong: a stored row of another version is recomputed, never continued.
/// 1: rates of change over 5, 21, 63 and 252 observations (before the marker existed).
/// 2: rates of change over calendar periods, as every page defines a change (issue 16).
pub const DEFINITION_VERSION: u32 = 2;

/// Observations in a "year" of a daily series (its 52-week window; also the annualising
/// factor of the volatility).
pub const DAILY_YEAR: usize = 252;
/// Observations in a "year" of a monthly series (its high/low and z-score window).
pub const MONTHLY_YEAR: usize = 12;
/// Observations in a "year" of a weekly series (its high/low and z-score window).
pub const WEEKLY_YEAR: usize = 52;

const RSI_PERIOD: usize = 14;
const VOL_RETURNS: usize = 20;
const MACD_FAST: usize = 12;
const MACD_SLOW: usize = 26;
const MACD_SIGNAL: usize = 9;

/// How the composite stance is scored. [`stance`] follows this text exactly.
pub const STANCE_RULE: &str = "The stance is a score summed from the row's own indicators; \
a component adds 0 when one of its inputs is n/a or when its two sides are equal. \
Daily series: +1 if the close is above SMA200, -1 if below; \
+1 if SMA50 is above SMA200, -1 if below; \
+1 if the close is above SMA50, -1 if below; \
+1 if the MACD line (EMA12 - EMA26) is above 0, -1 if below; \
-1 if RSI14 is above 70 (overbought), +1 if RSI14 is below 30 (oversold). \
Monthly series: +1 if the 12-month z-score is above 0 (close above the mean of the last 12 observations), \
-1 if below; +1 if the 3-month rate of change is above 0, -1 if below; \
+1 if the 1-year rate of change is above 0, -1 if below. \
Weekly series: the monthly rule on weekly points (the z-score against the last 52 observations, \
the 3-month and the 1-year change). \
Annual series: always neutral (one yearly change is not a stance). \
Bullish if the score is 2 or more, bearish if it is -2 or less, neutral otherwise.";

/// An indicator of a [`SignalRow`], to ask whether it applies to a frequency. Serialized
/// as [`Indicator::as_str`], the row's field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Sma20,
    Sma50,
    Sma200,
    Ema12,
    Ema26,
    Macd,
    MacdSignal,
    MacdHist,
    Rsi14,
    #[serde(rename = "roc_1w")]
    Roc1w,
    #[serde(rename = "roc_1m")]
    Roc1m,
    #[serde(rename = "roc_3m")]
    Roc3m,
    #[serde(rename = "roc_1y")]
    Roc1y,
    #[serde(rename = "high_52w")]
    High52w,
    #[serde(rename = "low_52w")]
    Low52w,
    PctFromHigh,
    PctFromLow,
    #[serde(rename = "vol_20d")]
    Vol20d,
    #[serde(rename = "zscore_1y")]
    Zscore1y,
    /// Golden and death crosses (SMA50 against SMA200).
    Cross,
}

impl Indicator {
    pub const ALL: [Indicator; 20] = [
        Indicator::Sma20,
        Indicator::Sma50,
        Indicator::Sma200,
        Indicator::Ema12,
        Indicator::Ema26,
        Indicator::Macd,
        Indicator::MacdSignal,
        Indicator::MacdHist,
        Indicator::Rsi14,
        Indicator::Roc1w,
        Indicator::Roc1m,
        Indicator::Roc3m,
        Indicator::Roc1y,
        Indicator::High52w,
        Indicator::Low52w,
        Indicator::PctFromHigh,
        Indicator::PctFromLow,
        Indicator::Vol20d,
        Indicator::Zscore1y,
        Indicator::Cross,
    ];

    /// The name of the matching [`SignalRow`] field.
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::Sma20 => "sma20",
            Indicator::Sma50 => "sma50",
            Indicator::Sma200 => "sma200",
            Indicator::Ema12 => "ema12",
            Indicator::Ema26 => "ema26",
            Indicator::Macd => "macd",
            Indicator::MacdSignal => "macd_signal",
            Indicator::MacdHist => "macd_hist",
            Indicator::Rsi14 => "rsi14",
            Indicator::Roc1w => "roc_1w",
            Indicator::Roc1m => "roc_1m",
            Indicator::Roc3m => "roc_3m",
            Indicator::Roc1y => "roc_1y",
            Indicator::High52w => "high_52w",
            Indicator::Low52w => "low_52w",
            Indicator::PctFromHigh => "pct_from_high",
            Indicator::PctFromLow => "pct_from_low",
            Indicator::Vol20d => "vol_20d",
            Indicator::Zscore1y => "zscore_1y",
            Indicator::Cross => "cross",
        }
    }
}

/// Whether `ind` exists at all for a series of frequency `f` (else pages show "n/a").
pub fn applies(ind: Indicator, f: Frequency) -> bool {
    min_observations(ind, f).is_some()
}

/// The number of observations a series needs before `ind` can first have a value, or
/// `None` when the indicator does not apply to the frequency. A value can still be `None`
/// later (a zero or negative base, a flat window for the z-score, a tie for a cross). A
/// rate of change needs two observations, and history reaching back its calendar period
/// (see [`changes::CHANGE_RULE`]): how many observations that is depends on their dates.
pub fn min_observations(ind: Indicator, f: Frequency) -> Option<usize> {
    use Indicator::*;
    if let Some(period) = roc_period(ind) {
        return period.applies(f).then_some(2);
    }
    match f {
        Frequency::Daily => Some(match ind {
            Sma20 => 20,
            Sma50 => 50,
            Sma200 => 200,
            Ema12 => MACD_FAST,
            Ema26 | Macd => MACD_SLOW,
            MacdSignal | MacdHist => MACD_SLOW + MACD_SIGNAL - 1,
            Rsi14 => RSI_PERIOD + 1,
            // Answered above, from the calendar.
            Roc1w | Roc1m | Roc3m | Roc1y => 2,
            High52w | Low52w | PctFromHigh | PctFromLow | Zscore1y => DAILY_YEAR,
            Vol20d => VOL_RETURNS + 1,
            // The first SMA200 only sets the side; a cross needs a later one.
            Cross => 201,
        }),
        Frequency::Weekly => match ind {
            High52w | Low52w | PctFromHigh | PctFromLow | Zscore1y => Some(WEEKLY_YEAR),
            _ => None,
        },
        Frequency::Monthly => match ind {
            High52w | Low52w | PctFromHigh | PctFromLow | Zscore1y => Some(MONTHLY_YEAR),
            _ => None,
        },
        Frequency::Annual => None,
    }
}

/// The period of a rate of change.
fn roc_period(ind: Indicator) -> Option<Period> {
    match ind {
        Indicator::Roc1w => Some(Period::Week),
        Indicator::Roc1m => Some(Period::Month),
        Indicator::Roc3m => Some(Period::Quarter),
        Indicator::Roc1y => Some(Period::Year),
        _ => None,
    }
}

/// SMA50 crossing SMA200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Cross {
    /// SMA50 moved above SMA200.
    Golden,
    /// SMA50 moved below SMA200.
    Death,
}

impl Cross {
    pub fn as_str(self) -> &'static str {
        match self {
            Cross::Golden => "golden",
            Cross::Death => "death",
        }
    }
}

/// The composite stance of a row ([`STANCE_RULE`] says how it is decided).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Bullish,
    Neutral,
    Bearish,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Bullish => "bullish",
            Stance::Neutral => "neutral",
            Stance::Bearish => "bearish",
        }
    }
}

/// What the recursive indicators need to continue after a row, as of that row.
///
/// Seeding conventions (the common ones, e.g. StockCharts):
/// - EMA n: `None` until the n-th observation, which gets the SMA of the first n closes;
///   after that `ema = prev + alpha * (close - prev)` with `alpha = 2 / (n + 1)`.
/// - MACD signal: EMA 9 of the MACD line, seeded with the SMA of the first 9 MACD values
///   (the 34th observation); `macd_seed_sum` collects them until then.
/// - RSI 14 (Wilder): the first average gain/loss is the simple mean of the first 14
///   close-to-close changes (at the 15th observation); after that
///   `avg = (prev * 13 + current) / 14`. Losses count as positive numbers.
///
/// Only daily series fill the EMA, MACD and RSI fields; `count` and `prev_close` are kept
/// for every frequency.
///
/// Serialized with every f64 as the 16 hex digits of its IEEE-754 bits (`null` for
/// `None`), so that a text round trip (JSON in a text column) restores it exactly: a
/// decimal float round trip through serde_json's default parser is not always exact,
/// and one changed bit would make [`extend`] differ from [`compute`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CarryState {
    /// Observations seen, the row's own included.
    pub count: u64,
    /// The row's close (the previous close for the next row).
    #[serde(with = "f64_bits")]
    pub prev_close: Option<f64>,
    #[serde(with = "f64_bits")]
    pub ema12: Option<f64>,
    #[serde(with = "f64_bits")]
    pub ema26: Option<f64>,
    #[serde(with = "f64_bits")]
    pub macd_signal: Option<f64>,
    /// Sum of the MACD values seen while the signal line is not yet seeded; 0 afterwards.
    #[serde(with = "f64_bits::plain")]
    pub macd_seed_sum: f64,
    #[serde(with = "f64_bits")]
    pub avg_gain: Option<f64>,
    #[serde(with = "f64_bits")]
    pub avg_loss: Option<f64>,
    /// Side of SMA50 against SMA200 at the last row where they differed: 1 above, -1
    /// below, 0 not yet known. A cross is a change of this side.
    pub sma_side: i8,
    /// The [`DEFINITION_VERSION`] the row was computed under; rows stored before the
    /// version was recorded read as 1.
    #[serde(default = "first_definition")]
    pub definition: u32,
}

fn first_definition() -> u32 {
    1
}

/// Indicators of one series on one date. Every indicator is `None` when it does not apply
/// to the frequency, before enough observations, or when undefined (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalRow {
    pub date: NaiveDate,
    pub close: f64,
    /// Simple moving averages over 20, 50 and 200 observations (daily only).
    pub sma20: Option<f64>,
    pub sma50: Option<f64>,
    pub sma200: Option<f64>,
    /// Exponential moving averages, seeded as [`CarryState`] says (daily only).
    pub ema12: Option<f64>,
    pub ema26: Option<f64>,
    /// MACD (12, 26, 9): line EMA12 - EMA26, its EMA 9 signal, histogram line - signal.
    pub macd: Option<f64>,
    pub macd_signal: Option<f64>,
    pub macd_hist: Option<f64>,
    /// Wilder's RSI over 14 changes, 0..=100; 100 when the average loss is 0 (daily only).
    pub rsi14: Option<f64>,
    /// Changes over 1 week, 1 month, 3 months and 1 year in percent, as every page defines
    /// them ([`changes::percent_change`]: against the last observation on or before the
    /// date one calendar period back; `None` for a base <= 0 or a history too short).
    pub roc_1w: Option<f64>,
    pub roc_1m: Option<f64>,
    pub roc_3m: Option<f64>,
    pub roc_1y: Option<f64>,
    /// Highest and lowest close of the last year (252 daily / 12 monthly observations,
    /// today included).
    pub high_52w: Option<f64>,
    pub low_52w: Option<f64>,
    /// Distance in percent from the high, `(close - high) / high * 100` (<= 0), and from
    /// the low, `(close - low) / low * 100` (>= 0); `None` when the high (low) is <= 0.
    pub pct_from_high: Option<f64>,
    pub pct_from_low: Option<f64>,
    /// Annualised volatility as a fraction (0.25 = 25 %): sample standard deviation
    /// (n - 1) of the last 20 daily log returns times sqrt(252) (daily only).
    pub vol_20d: Option<f64>,
    /// `(close - mean) / sd` over the last year of observations, today included (sample
    /// sd); `None` when the window is flat.
    pub zscore_1y: Option<f64>,
    /// A golden or death cross on this date (daily only).
    pub cross: Option<Cross>,
    pub stance: Stance,
    /// What [`extend`] needs to continue after this row.
    pub state: CarryState,
}

impl SignalRow {
    /// The value of a numeric indicator; `Indicator::Cross` is not a number (see `cross`)
    /// and gives `None`.
    pub fn value(&self, ind: Indicator) -> Option<f64> {
        match ind {
            Indicator::Sma20 => self.sma20,
            Indicator::Sma50 => self.sma50,
            Indicator::Sma200 => self.sma200,
            Indicator::Ema12 => self.ema12,
            Indicator::Ema26 => self.ema26,
            Indicator::Macd => self.macd,
            Indicator::MacdSignal => self.macd_signal,
            Indicator::MacdHist => self.macd_hist,
            Indicator::Rsi14 => self.rsi14,
            Indicator::Roc1w => self.roc_1w,
            Indicator::Roc1m => self.roc_1m,
            Indicator::Roc3m => self.roc_3m,
            Indicator::Roc1y => self.roc_1y,
            Indicator::High52w => self.high_52w,
            Indicator::Low52w => self.low_52w,
            Indicator::PctFromHigh => self.pct_from_high,
            Indicator::PctFromLow => self.pct_from_low,
            Indicator::Vol20d => self.vol_20d,
            Indicator::Zscore1y => self.zscore_1y,
            Indicator::Cross => None,
        }
    }
}

/// Signals for every point of a series (sorted by date ascending, no duplicates).
pub fn compute(points: &[(NaiveDate, f64)], frequency: Frequency) -> Vec<SignalRow> {
    run(points, 0, &CarryState::default(), frequency)
}

/// Where, in `stored` (every stored observation up to the last computed row, oldest
/// first), the history starts that [`extend`] needs to continue with new points from
/// `first_new` on: the last [`LOOKBACK`] observations, and every observation a rate of
/// change can still read (from [`changes::reach`] on, plus the one before it, which shows
/// the history reaches back that far).
pub fn history_start(stored: &[(NaiveDate, f64)], first_new: NaiveDate) -> usize {
    let by_count = stored.len().saturating_sub(LOOKBACK);
    let reach = changes::reach(first_new);
    let by_date = stored.partition_point(|&(d, _)| d <= reach).saturating_sub(1);
    by_count.min(by_date)
}

/// Signals for `new_points` only, continuing from `last`, the stored row of the newest
/// observation already processed; identical, bit for bit, to the rows [`compute`] gives
/// for the same dates over the whole series.
///
/// `history` is the stored observations up to and including `last.date`, from
/// [`history_start`] on (all of them when the series is short). `new_points` are sorted
/// ascending, all after `last.date`.
///
/// # Panics
/// When `last` was computed under another [`DEFINITION_VERSION`], `history` does not end
/// on `last.date`, holds fewer than `min(LOOKBACK, last.state.count)` observations or
/// does not reach back a calendar year before the first new point (unless it is the whole
/// series), or `new_points` are not strictly ascending after `last.date`: continuing
/// would silently differ from a full recompute.
pub fn extend(
    history: &[(NaiveDate, f64)],
    last: &SignalRow,
    new_points: &[(NaiveDate, f64)],
    frequency: Frequency,
) -> Vec<SignalRow> {
    let Some(&(first_new, _)) = new_points.first() else { return Vec::new() };
    assert_eq!(
        last.state.definition, DEFINITION_VERSION,
        "signals::extend: the last row was computed under another definition; recompute the series"
    );
    assert_eq!(history.last().map(|&(d, _)| d), Some(last.date), "signals::extend: history must end on last.date");
    let whole = u64::try_from(history.len()).is_ok_and(|n| n >= last.state.count);
    let keep = usize::try_from(last.state.count).map_or(LOOKBACK, |n| n.min(LOOKBACK));
    assert!(
        history.len() >= keep,
        "signals::extend: history holds {} observations, {} needed (min(LOOKBACK, count))",
        history.len(),
        keep
    );
    assert!(
        whole || history[0].0 <= changes::reach(first_new),
        "signals::extend: history from {} does not reach back to {}, which a rate of change may read",
        history[0].0,
        changes::reach(first_new)
    );
    let mut prev_date = last.date;
    for &(d, _) in new_points {
        assert!(d > prev_date, "signals::extend: new points must be strictly ascending after last.date");
        prev_date = d;
    }
    let points: Vec<(NaiveDate, f64)> = history.iter().chain(new_points).copied().collect();
    run(&points, history.len(), &last.state, frequency)
}

/// Rows for `points[offset..]`; `points[..offset]` is the history before them and `state`
/// the carry after its last observation.
fn run(points: &[(NaiveDate, f64)], offset: usize, state: &CarryState, frequency: Frequency) -> Vec<SignalRow> {
    let closes: Vec<f64> = points.iter().map(|&(_, c)| c).collect();
    let mut state = state.clone();
    let mut rows = Vec::with_capacity(points.len() - offset);
    for i in offset..points.len() {
        // Every window is a tail of what came before (or a date found in it), so both
        // paths read the same observations however much earlier history they hold.
        let row = step(&points[..=i], &closes[..=i], &state, frequency);
        state.clone_from(&row.state);
        rows.push(row);
    }
    rows
}

/// The most recent golden and death cross dates in `rows`.
pub fn latest_crosses(rows: &[SignalRow]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let last = |kind: Cross| rows.iter().rev().find(|r| r.cross == Some(kind)).map(|r| r.date);
    (last(Cross::Golden), last(Cross::Death))
}

/// The stance of a row per [`STANCE_RULE`].
pub fn stance(row: &SignalRow, frequency: Frequency) -> Stance {
    let score = match frequency {
        Frequency::Daily => {
            let rsi = match row.rsi14 {
                Some(r) if r > 70.0 => -1,
                Some(r) if r < 30.0 => 1,
                _ => 0,
            };
            side(Some(row.close), row.sma200)
                + side(row.sma50, row.sma200)
                + side(Some(row.close), row.sma50)
                + side(row.macd, Some(0.0))
                + rsi
        }
        Frequency::Weekly | Frequency::Monthly => {
            side(row.zscore_1y, Some(0.0)) + side(row.roc_3m, Some(0.0)) + side(row.roc_1y, Some(0.0))
        }
        Frequency::Annual => 0,
    };
    if score >= 2 {
        Stance::Bullish
    } else if score <= -2 {
        Stance::Bearish
    } else {
        Stance::Neutral
    }
}

/// +1 when `a > b`, -1 when `a < b`, 0 when equal or either is missing.
fn side(a: Option<f64>, b: Option<f64>) -> i32 {
    match (a, b) {
        (Some(a), Some(b)) if a > b => 1,
        (Some(a), Some(b)) if a < b => -1,
        _ => 0,
    }
}

/// One row: `points` (and `closes`, their values) end with today's observation and hold
/// at least the LOOKBACK before it and those of the last calendar year (all of them while
/// the series is shorter); `prev` is the carry after yesterday.
fn step(points: &[(NaiveDate, f64)], closes: &[f64], prev: &CarryState, f: Frequency) -> SignalRow {
    let (date, close) = points[points.len() - 1];
    let count = prev.count + 1;
    let daily = f == Frequency::Daily;
    let year = match f {
        Frequency::Daily => Some(DAILY_YEAR),
        Frequency::Weekly => Some(WEEKLY_YEAR),
        Frequency::Monthly => Some(MONTHLY_YEAR),
        Frequency::Annual => None,
    };

    let mut state =
        CarryState { count, prev_close: Some(close), definition: DEFINITION_VERSION, ..CarryState::default() };
    let mut row = SignalRow {
        date,
        close,
        sma20: None,
        sma50: None,
        sma200: None,
        ema12: None,
        ema26: None,
        macd: None,
        macd_signal: None,
        macd_hist: None,
        rsi14: None,
        roc_1w: None,
        roc_1m: None,
        roc_3m: None,
        roc_1y: None,
        high_52w: None,
        low_52w: None,
        pct_from_high: None,
        pct_from_low: None,
        vol_20d: None,
        zscore_1y: None,
        cross: None,
        stance: Stance::Neutral,
        state: CarryState::default(),
    };

    let roc = |period| changes::percent_change(points, f, period);
    row.roc_1w = roc(Period::Week);
    row.roc_1m = roc(Period::Month);
    row.roc_3m = roc(Period::Quarter);
    row.roc_1y = roc(Period::Year);

    if let Some(window) = year.and_then(|n| tail(closes, n)) {
        let high = window.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let low = window.iter().copied().fold(f64::INFINITY, f64::min);
        row.high_52w = finite(high);
        row.low_52w = finite(low);
        row.pct_from_high = (high > 0.0).then(|| (close - high) / high * 100.0).and_then(finite);
        row.pct_from_low = (low > 0.0).then(|| (close - low) / low * 100.0).and_then(finite);
        row.zscore_1y = sample_sd(window).filter(|&sd| sd > 0.0).and_then(|sd| finite((close - mean(window)) / sd));
    }

    if daily {
        row.sma20 = tail(closes, 20).map(mean).and_then(finite);
        row.sma50 = tail(closes, 50).map(mean).and_then(finite);
        row.sma200 = tail(closes, 200).map(mean).and_then(finite);

        state.ema12 = ema_next(prev.ema12, closes, count, MACD_FAST);
        state.ema26 = ema_next(prev.ema26, closes, count, MACD_SLOW);
        row.ema12 = state.ema12;
        row.ema26 = state.ema26;
        row.macd = state.ema12.zip(state.ema26).map(|(fast, slow)| fast - slow).and_then(finite);
        if let Some(m) = row.macd {
            match prev.macd_signal {
                Some(s) => state.macd_signal = finite(s + alpha(MACD_SIGNAL) * (m - s)),
                None => {
                    let sum = prev.macd_seed_sum + m;
                    // The MACD line exists from the 26th observation on.
                    let seen = count + 1 - MACD_SLOW as u64;
                    if seen == MACD_SIGNAL as u64 {
                        state.macd_signal = finite(sum / MACD_SIGNAL as f64);
                    } else if seen < MACD_SIGNAL as u64 {
                        state.macd_seed_sum = sum;
                    }
                }
            }
        }
        row.macd_signal = state.macd_signal;
        row.macd_hist = row.macd.zip(row.macd_signal).map(|(m, s)| m - s).and_then(finite);

        (state.avg_gain, state.avg_loss) = wilder_next(prev, closes, count, close);
        row.rsi14 = state.avg_gain.zip(state.avg_loss).and_then(|(g, l)| {
            if l == 0.0 {
                Some(100.0)
            } else {
                finite(100.0 - 100.0 / (1.0 + g / l))
            }
        });

        row.vol_20d = tail(closes, VOL_RETURNS + 1).and_then(|w| {
            let returns: Option<Vec<f64>> =
                w.windows(2).map(|p| (p[0] > 0.0 && p[1] > 0.0).then(|| (p[1] / p[0]).ln())).collect();
            sample_sd(&returns?).and_then(|sd| finite(sd * (DAILY_YEAR as f64).sqrt()))
        });

        state.sma_side = prev.sma_side;
        if let (Some(fast), Some(slow)) = (row.sma50, row.sma200) {
            let now = side(Some(fast), Some(slow)) as i8;
            if now != 0 {
                if prev.sma_side != 0 && now != prev.sma_side {
                    row.cross = Some(if now > 0 { Cross::Golden } else { Cross::Death });
                }
                state.sma_side = now;
            }
        }
    }

    row.state = state;
    row.stance = stance(&row, f);
    row
}

/// The next EMA n: the SMA of the first n closes at the n-th observation, then the
/// recursion `prev + alpha * (close - prev)`.
fn ema_next(prev: Option<f64>, closes: &[f64], count: u64, n: usize) -> Option<f64> {
    let close = closes[closes.len() - 1];
    match prev {
        Some(p) => finite(p + alpha(n) * (close - p)),
        None if count == n as u64 => tail(closes, n).map(mean).and_then(finite),
        None => None,
    }
}

/// Wilder's average gain and loss after today's close.
fn wilder_next(prev: &CarryState, closes: &[f64], count: u64, close: f64) -> (Option<f64>, Option<f64>) {
    let period = RSI_PERIOD as f64;
    match (prev.avg_gain, prev.avg_loss, prev.prev_close) {
        (Some(g), Some(l), Some(pc)) => {
            let change = close - pc;
            let gain = change.max(0.0);
            let loss = (-change).max(0.0);
            let g = finite((g * (period - 1.0) + gain) / period);
            let l = finite((l * (period - 1.0) + loss) / period);
            if g.is_some() && l.is_some() {
                (g, l)
            } else {
                (None, None)
            }
        }
        _ if count == RSI_PERIOD as u64 + 1 => {
            let Some(w) = tail(closes, RSI_PERIOD + 1) else { return (None, None) };
            let (mut gains, mut losses) = (0.0, 0.0);
            for p in w.windows(2) {
                let change = p[1] - p[0];
                gains += change.max(0.0);
                losses += (-change).max(0.0);
            }
            match (finite(gains / period), finite(losses / period)) {
                (Some(g), Some(l)) => (Some(g), Some(l)),
                _ => (None, None),
            }
        }
        _ => (None, None),
    }
}

fn alpha(n: usize) -> f64 {
    2.0 / (n as f64 + 1.0)
}

/// The last `n` values, or `None` when there are fewer.
fn tail(xs: &[f64], n: usize) -> Option<&[f64]> {
    xs.len().checked_sub(n).map(|start| &xs[start..])
}

/// Arithmetic mean, summed oldest first.
fn mean(xs: &[f64]) -> f64 {
    xs.iter().fold(0.0, |acc, &x| acc + x) / xs.len() as f64
}

/// Sample standard deviation (n - 1), two passes; `None` for fewer than two values.
fn sample_sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs);
    let ss = xs.iter().fold(0.0, |acc, &x| acc + (x - m) * (x - m));
    finite((ss / (xs.len() - 1) as f64).sqrt())
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Exact text form of f64s: the 16 hex digits of `f64::to_bits`.
mod f64_bits {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    fn parse<E: Error>(hex: &str) -> Result<f64, E> {
        if hex.len() != 16 {
            return Err(E::custom(format!("expected 16 hex digits of f64 bits, got {hex:?}")));
        }
        u64::from_str_radix(hex, 16).map(f64::from_bits).map_err(E::custom)
    }

    pub fn serialize<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(x) => s.serialize_some(&format!("{:016x}", x.to_bits())),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<String>::deserialize(d)?.map(|hex| parse(&hex)).transpose()
    }

    pub mod plain {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&format!("{:016x}", value.to_bits()))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            super::parse(&String::deserialize(d)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Consecutive days from 2000-01-03, weekends included: windows count observations, and
    /// rates of change look back whole calendar periods (a week is 7 rows here).
    fn series(values: &[f64]) -> Vec<(NaiveDate, f64)> {
        let start = d("2000-01-03");
        values.iter().enumerate().map(|(i, &v)| (start + chrono::Days::new(i as u64), v)).collect()
    }

    fn monthly(values: &[f64]) -> Vec<(NaiveDate, f64)> {
        let start = d("2000-01-01");
        values.iter().enumerate().map(|(i, &v)| (start + chrono::Months::new(i as u32), v)).collect()
    }

    fn weekly(values: &[f64]) -> Vec<(NaiveDate, f64)> {
        let start = d("2000-01-05"); // a Wednesday
        values.iter().enumerate().map(|(i, &v)| (start + chrono::Days::new(7 * i as u64), v)).collect()
    }

    fn annual(values: &[f64]) -> Vec<(NaiveDate, f64)> {
        values.iter().enumerate().map(|(i, &v)| (NaiveDate::from_ymd_opt(1990 + i as i32, 1, 1).unwrap(), v)).collect()
    }

    /// A positive, wiggly series: every indicator gets a value once it has enough data.
    fn wiggly(n: usize) -> Vec<f64> {
        (0..n).map(|i| 100.0 + 0.05 * i as f64 + 8.0 * (i as f64 * 0.37).sin() + 3.0 * (i as f64 * 1.3).cos()).collect()
    }

    struct Reference {
        points: Vec<(NaiveDate, f64)>,
        /// Per row: each indicator column's value (`None` = empty cell = n/a).
        values: Vec<Vec<(Indicator, Option<f64>)>>,
        crosses: Vec<Option<Cross>>,
        stances: Vec<Stance>,
    }

    fn parse_reference(csv: &str) -> Reference {
        let mut lines = csv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header[..2], ["date", "close"]);
        let mut reference = Reference { points: vec![], values: vec![], crosses: vec![], stances: vec![] };
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{line}");
            reference.points.push((d(cells[0]), cells[1].parse().unwrap()));
            let mut values = vec![];
            for (name, cell) in header.iter().zip(&cells).skip(2) {
                match *name {
                    "cross" => reference.crosses.push(match *cell {
                        "" => None,
                        "golden" => Some(Cross::Golden),
                        "death" => Some(Cross::Death),
                        other => panic!("unknown cross {other}"),
                    }),
                    "stance" => reference.stances.push(match *cell {
                        "bullish" => Stance::Bullish,
                        "neutral" => Stance::Neutral,
                        "bearish" => Stance::Bearish,
                        other => panic!("unknown stance {other}"),
                    }),
                    name => {
                        let ind = *Indicator::ALL.iter().find(|i| i.as_str() == name).expect(name);
                        values.push((ind, (!cell.is_empty()).then(|| cell.parse::<f64>().unwrap())));
                    }
                }
            }
            assert_eq!(values.len(), 19, "every numeric indicator has a column");
            reference.values.push(values);
        }
        reference
    }

    const WTI: &str = include_str!("../../tests/fixtures/signals/wti_reference.csv");
    const GOLD: &str = include_str!("../../tests/fixtures/signals/gold_reference.csv");

    /// Within 1e-9 relative error, or 1e-12 absolute near zero.
    fn close_enough(got: f64, want: f64) -> bool {
        let diff = (got - want).abs();
        diff <= 1e-12 || diff <= 1e-9 * want.abs()
    }

    fn assert_matches_reference(csv: &str) {
        let reference = parse_reference(csv);
        let rows = compute(&reference.points, Frequency::Daily);
        assert_eq!(rows.len(), reference.points.len());
        let mut compared = 0;
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.date, reference.points[i].0);
            for &(ind, want) in &reference.values[i] {
                let got = row.value(ind);
                match (got, want) {
                    (Some(g), Some(w)) => {
                        assert!(close_enough(g, w), "{} {}: got {g:?}, pandas {w:?}", row.date, ind.as_str());
                        compared += 1;
                    }
                    (None, None) => {}
                    _ => panic!("{} {}: got {got:?}, pandas {want:?}", row.date, ind.as_str()),
                }
            }
            assert_eq!(row.cross, reference.crosses[i], "{} cross", row.date);
            assert_eq!(row.stance, reference.stances[i], "{} stance", row.date);
        }
        assert!(compared > 5000, "only {compared} values compared");
    }

    /// Reference: `tests/fixtures/signals/wti_reference.csv`, written by
    /// `tests/fixtures/signals/make_reference.py` with pandas 3.1.1 (numpy 2.4.6): rolling
    /// means/max/min/std, `ewm(adjust=False)` after an SMA seed, and crosses and stance
    /// re-implemented there. The series runs through a crash to -36.98, 0.0 and -2.5.
    #[test]
    fn every_indicator_matches_pandas_on_a_wti_like_series_with_negative_and_zero_prices() {
        assert_matches_reference(WTI);
    }

    /// Reference: `tests/fixtures/signals/gold_reference.csv`, from the same pandas 3.1.1
    /// script (`make_reference.py`).
    #[test]
    fn every_indicator_matches_pandas_on_a_gold_like_series() {
        assert_matches_reference(GOLD);
    }

    #[test]
    fn the_reference_series_have_the_crosses_latest_crosses_reports() {
        let wti = compute(&parse_reference(WTI).points, Frequency::Daily);
        assert_eq!(latest_crosses(&wti), (Some(d("2020-12-09")), Some(d("2020-03-10"))));
        let gold = compute(&parse_reference(GOLD).points, Frequency::Daily);
        assert_eq!(latest_crosses(&gold), (Some(d("2022-11-16")), Some(d("2022-10-12"))));
    }

    /// StockCharts ChartSchool "Relative Strength Index (RSI)", spreadsheet cs-rsi.xls (QQQQ
    /// closes, Dec 2009 - Feb 2010): the sheet's closes and 14-day RSI column at the four
    /// decimals it holds (its page prints them rounded to two: 44.34 ... 70.53, 66.32 ...).
    /// Our dates are stand-ins. First averages: gain 0.2385, loss 0.1.
    #[test]
    fn rsi_reproduces_the_stockcharts_worked_example() {
        let closes = [
            44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328,
            45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515,
            45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
        ];
        let published = [
            70.5328, 66.3186, 66.5498, 69.4063, 66.3552, 57.9749, 62.9296, 63.2571, 56.0593, 62.3771, 54.7076, 50.4228,
            39.9898, 41.4605, 41.8689, 45.4632, 37.3040, 33.0795, 37.7730,
        ];
        let rows = compute(&series(&closes), Frequency::Daily);
        assert!(rows[..14].iter().all(|r| r.rsi14.is_none()));
        assert_eq!(rows.len() - 14, published.len());
        for (row, want) in rows[14..].iter().zip(published) {
            let got = row.rsi14.unwrap();
            assert!((got - want).abs() <= 5e-5 + 1e-9, "observation {}: {got} vs published {want}", row.state.count);
        }
    }

    /// StockCharts ChartSchool "Bollinger Bands", spreadsheet cs-bbands.xls (SPY closes):
    /// its middle band is the 20-day SMA, published to 5-6 decimals.
    #[test]
    fn sma20_reproduces_the_middle_band_of_the_stockcharts_bollinger_example() {
        let closes = [
            86.1557, 89.0867, 88.7829, 90.3228, 89.0671, 91.1453, 89.4397, 89.1750, 86.9302, 87.6752, 86.9596, 89.4299,
            89.3221, 88.7241, 87.4497, 87.2634, 89.4985, 87.9006, 89.1260, 90.7043, 92.9001, 92.9784, 91.8021, 92.6647,
            92.6843, 92.3021, 92.7725, 92.5373, 92.9490, 93.2039, 91.0669, 89.8318, 89.7435, 90.3994, 90.7387, 88.0177,
            88.0867, 88.8439, 90.7781, 90.5416, 91.3894, 90.6500,
        ];
        let published = [
            88.70794, 89.04516, 89.239745, 89.390705, 89.5078, 89.68866, 89.7465, 89.91314, 90.081255, 90.382195,
            90.65863, 90.863995, 90.88409, 90.90516, 90.988925, 91.153375, 91.19109, 91.1205, 91.167665, 91.25027,
            91.242135, 91.1666, 91.05018,
        ];
        let rows = compute(&series(&closes), Frequency::Daily);
        assert!(rows[..19].iter().all(|r| r.sma20.is_none()));
        assert_eq!(rows.len() - 19, published.len());
        for (row, want) in rows[19..].iter().zip(published) {
            let got = row.sma20.unwrap();
            assert!((got - want).abs() <= 1e-9, "observation {}: {got} vs published {want}", row.state.count);
        }
    }

    /// StockCharts ChartSchool "Moving Averages - Simple and Exponential": closes 11..17,
    /// 5-day SMA 13, 14, 15.
    #[test]
    fn the_mean_helper_reproduces_the_stockcharts_five_day_sma_example() {
        let closes = [11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0];
        let smas: Vec<f64> = closes.windows(5).map(mean).collect();
        assert_eq!(smas, [13.0, 14.0, 15.0]);
    }

    /// Rows equal bit for bit: `==` on every f64 and the same Debug text (which tells 0.0
    /// from -0.0).
    fn assert_identical(got: &[SignalRow], want: &[SignalRow]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g, w);
            assert_eq!(format!("{g:?}"), format!("{w:?}"));
        }
    }

    /// Computes the first `cuts[0]` points in full, then extends chunk by chunk up to each
    /// further cut, passing as history only what `history_start` says extend needs.
    fn incremental(points: &[(NaiveDate, f64)], cuts: &[usize], f: Frequency) -> Vec<SignalRow> {
        let mut rows = compute(&points[..cuts[0]], f);
        for pair in cuts.windows(2) {
            let (done, until) = (pair[0], pair[1]);
            let history = &points[history_start(&points[..done], points[done].0)..done];
            let more = extend(history, rows.last().unwrap(), &points[done..until], f);
            assert_eq!(more.len(), until - done);
            rows.extend(more);
        }
        rows
    }

    #[test]
    fn extending_in_chunks_is_bit_identical_to_a_full_recompute() {
        for csv in [WTI, GOLD] {
            let points = parse_reference(csv).points;
            let n = points.len();
            let full = compute(&points, Frequency::Daily);
            // Single points through every seeding step (EMA12 at 12, RSI at 15, EMA26 and
            // MACD at 26, signal at 34), a chunk across the 200-day SMA and the first cross
            // side, single points around the 252-observation windows, then big chunks.
            let cuts = [
                1, 2, 3, 11, 12, 13, 14, 15, 16, 25, 26, 27, 33, 34, 35, 60, 190, 210, 251, 252, 253, 254, 300, 301, n,
            ];
            assert_identical(&incremental(&points, &cuts, Frequency::Daily), &full);
            // One point at a time after the first year.
            let singles: Vec<usize> = (250..=n).collect();
            assert_identical(&incremental(&points, &singles, Frequency::Daily), &full);
            // Everything after the first 100 points in one go.
            assert_identical(&incremental(&points, &[100, n], Frequency::Daily), &full);
        }
    }

    #[test]
    fn extending_monthly_and_annual_series_is_bit_identical_too() {
        let values = wiggly(60);
        let m = monthly(&values);
        assert_identical(
            &incremental(&m, &[1, 2, 5, 12, 13, 14, 30, 60], Frequency::Monthly),
            &compute(&m, Frequency::Monthly),
        );
        let a = annual(&values[..30]);
        assert_identical(&incremental(&a, &[1, 2, 3, 30], Frequency::Annual), &compute(&a, Frequency::Annual));
    }

    #[test]
    fn extending_with_nothing_new_returns_no_rows() {
        let points = series(&wiggly(30));
        let rows = compute(&points, Frequency::Daily);
        assert!(extend(&points, rows.last().unwrap(), &[], Frequency::Daily).is_empty());
    }

    #[test]
    #[should_panic(expected = "needed")]
    fn extending_from_a_history_shorter_than_the_lookback_panics_rather_than_diverging() {
        let points = series(&wiggly(300));
        let rows = compute(&points[..280], Frequency::Daily);
        extend(&points[100..280], &rows[279], &points[280..], Frequency::Daily);
    }

    #[test]
    #[should_panic(expected = "does not reach back")]
    fn extending_from_a_history_shorter_than_a_calendar_year_panics_rather_than_diverging() {
        // 252 observations of a seven-day series are eight months: not enough for the 1-year change.
        let points = series(&wiggly(600));
        let rows = compute(&points[..400], Frequency::Daily);
        extend(&points[400 - LOOKBACK..400], &rows[399], &points[400..], Frequency::Daily);
    }

    #[test]
    fn the_history_extend_needs_is_a_calendar_year_or_the_lookback_whichever_is_longer() {
        // Seven-day series: the year decides (the observation on or before the reach included).
        let days = series(&wiggly(600));
        let start = history_start(&days[..400], days[400].0);
        assert_eq!(days[start].0, changes::reach(days[400].0));
        assert!(400 - start > LOOKBACK);
        // Monthly series: 252 observations are far more than a year.
        let months = monthly(&wiggly(300));
        assert_eq!(history_start(&months[..290], months[290].0), 290 - LOOKBACK);
        // A short series is passed whole.
        assert_eq!(history_start(&days[..100], days[100].0), 0);
    }

    #[test]
    #[should_panic(expected = "another definition")]
    fn a_row_of_an_older_definition_is_never_continued() {
        let points = series(&wiggly(40));
        let mut rows = compute(&points[..30], Frequency::Daily);
        rows[29].state.definition = DEFINITION_VERSION - 1;
        extend(&points[..30], &rows[29], &points[30..], Frequency::Daily);
    }

    #[test]
    fn rows_stored_before_the_definition_was_recorded_read_as_the_first_definition() {
        let row = compute(&series(&[1.5, 2.0]), Frequency::Daily).remove(1);
        assert_eq!(row.state.definition, DEFINITION_VERSION);
        let mut json: serde_json::Value = serde_json::to_value(&row.state).unwrap();
        json.as_object_mut().unwrap().remove("definition");
        let old: CarryState = serde_json::from_value(json).unwrap();
        assert_eq!(old.definition, 1);
    }

    /// The engine's rates of change are the pages' changes: on every row of every frequency,
    /// each equals `changes::percent_change` over the observations up to that row.
    #[test]
    fn rates_of_change_on_every_row_are_the_one_definition_of_a_change() {
        let values = wiggly(420);
        for (f, points) in [
            (Frequency::Daily, series(&values)),
            (Frequency::Daily, parse_reference(WTI).points),
            (Frequency::Weekly, weekly(&values)),
            (Frequency::Monthly, monthly(&values)),
            (Frequency::Annual, annual(&values[..40])),
        ] {
            let rows = compute(&points, f);
            for (i, row) in rows.iter().enumerate() {
                for (ind, period) in [
                    (Indicator::Roc1w, Period::Week),
                    (Indicator::Roc1m, Period::Month),
                    (Indicator::Roc3m, Period::Quarter),
                    (Indicator::Roc1y, Period::Year),
                ] {
                    let want = changes::percent_change(&points[..=i], f, period);
                    assert_eq!(row.value(ind), want, "{} {} {}", f.as_str(), row.date, ind.as_str());
                }
            }
            // ... and a calendar year, not 252 observations: the seven-day series starts on
            // 2000-01-03, a leap year, so its first 1-year change is on 2001-01-03, row 366.
            if f == Frequency::Daily && points[0].0 == d("2000-01-03") {
                assert_eq!(points[366].0, d("2001-01-03"));
                assert!(rows[365].roc_1y.is_none() && rows[366].roc_1y.is_some());
                assert_eq!(rows[366].roc_1y, Some((values[366] - values[0]) / values[0] * 100.0));
            }
        }
    }

    #[test]
    fn each_indicator_appears_exactly_at_its_minimum_observation_count() {
        let values = wiggly(300);
        for (f, points) in [
            (Frequency::Daily, series(&values)),
            (Frequency::Weekly, weekly(&values)),
            (Frequency::Monthly, monthly(&values)),
            (Frequency::Annual, annual(&values[..60])),
        ] {
            let rows = compute(&points, f);
            // Rates of change start where the calendar allows: see the test above.
            for ind in Indicator::ALL.into_iter().filter(|&i| i != Indicator::Cross && roc_period(i).is_none()) {
                let first = rows.iter().position(|r| r.value(ind).is_some()).map(|i| i + 1);
                assert_eq!(first, min_observations(ind, f), "{} {}", f.as_str(), ind.as_str());
            }
        }
    }

    /// None of `absent` applies to `f`, and no row has a value for it (nor a cross).
    fn assert_absent(rows: &[SignalRow], f: Frequency, absent: &[Indicator]) {
        for &ind in absent {
            assert!(!applies(ind, f), "{}", ind.as_str());
            assert!(rows.iter().all(|r| r.value(ind).is_none() && r.cross.is_none()), "{}", ind.as_str());
        }
    }

    #[test]
    fn a_monthly_series_gets_no_daily_indicator_but_its_rates_of_change_and_twelve_month_range() {
        let rows = compute(&monthly(&wiggly(40)), Frequency::Monthly);
        use Indicator::*;
        let absent = [Sma20, Sma50, Sma200, Ema12, Ema26, Macd, MacdSignal, MacdHist, Rsi14, Vol20d, Roc1w, Cross];
        assert_absent(&rows, Frequency::Monthly, &absent);
        let last = rows.last().unwrap();
        let closes: Vec<f64> = rows.iter().map(|r| r.close).collect();
        let n = closes.len();
        assert_eq!(last.roc_1m, Some((closes[n - 1] - closes[n - 2]) / closes[n - 2] * 100.0));
        assert_eq!(last.roc_3m, Some((closes[n - 1] - closes[n - 4]) / closes[n - 4] * 100.0));
        assert_eq!(last.roc_1y, Some((closes[n - 1] - closes[n - 13]) / closes[n - 13] * 100.0));
        let year = &closes[n - 12..];
        assert_eq!(last.high_52w, Some(year.iter().copied().fold(f64::MIN, f64::max)));
        assert_eq!(last.low_52w, Some(year.iter().copied().fold(f64::MAX, f64::min)));
        assert!(last.pct_from_high.is_some() && last.pct_from_low.is_some() && last.zscore_1y.is_some());
        // Twelve observations, not 252: the range and z-score exist from the 12th month.
        assert!(rows[10].high_52w.is_none() && rows[11].high_52w.is_some());
    }

    #[test]
    fn a_weekly_series_gets_weekly_rates_of_change_and_a_fifty_two_week_range() {
        let rows = compute(&weekly(&wiggly(120)), Frequency::Weekly);
        use Indicator::*;
        assert_absent(&rows, Frequency::Weekly, &[Sma20, Sma200, Macd, Rsi14, Vol20d, Cross]);
        let closes: Vec<f64> = rows.iter().map(|r| r.close).collect();
        let n = closes.len();
        let roc = |lag: usize| Some((closes[n - 1] - closes[n - 1 - lag]) / closes[n - 1 - lag] * 100.0);
        let last = rows.last().unwrap();
        // The last print is Wednesday 2002-04-17. A month back is Sunday 2002-03-17: the print
        // of 2002-03-13, 5 weeks back; 3 months back, 2002-01-16 (13 weeks); a year back is
        // 2001-04-17, and 52 weeks (364 days) fall short of it: the print 53 weeks back.
        assert_eq!(last.date, d("2002-04-17"));
        assert_eq!((last.roc_1w, last.roc_1m, last.roc_3m, last.roc_1y), (roc(1), roc(5), roc(13), roc(53)));
        let year = &closes[n - 52..];
        assert_eq!(last.high_52w, Some(year.iter().copied().fold(f64::MIN, f64::max)));
        assert_eq!(last.low_52w, Some(year.iter().copied().fold(f64::MAX, f64::min)));
        // Fifty-two weekly observations make the 52-week range, not 252.
        assert!(rows[50].high_52w.is_none() && rows[51].high_52w.is_some());
        assert!(rows[52].roc_1y.is_none() && rows[53].roc_1y.is_some());
        // The stance follows the monthly rule on weekly points.
        let up: Vec<f64> = (0..80).map(|i| 100.0 + i as f64).collect();
        assert_eq!(compute(&weekly(&up), Frequency::Weekly).last().unwrap().stance, Stance::Bullish);
        assert_eq!(compute(&weekly(&[5.0; 80]), Frequency::Weekly).last().unwrap().stance, Stance::Neutral);
        // Extending week by week gives the full computation's rows.
        let w = weekly(&wiggly(120));
        assert_identical(
            &incremental(&w, &[1, 2, 52, 53, 60, 120], Frequency::Weekly),
            &compute(&w, Frequency::Weekly),
        );
    }

    #[test]
    fn an_annual_series_gets_only_the_one_year_rate_of_change() {
        let rows = compute(&annual(&[10.0, 12.0, 9.0, 9.0, 15.0]), Frequency::Annual);
        for ind in Indicator::ALL {
            assert_eq!(applies(ind, Frequency::Annual), ind == Indicator::Roc1y, "{}", ind.as_str());
        }
        assert_eq!(rows[0].roc_1y, None);
        assert_eq!(rows[1].roc_1y, Some(20.0));
        assert_eq!(rows[2].roc_1y, Some(-25.0));
        for row in &rows {
            for ind in Indicator::ALL.into_iter().filter(|&i| i != Indicator::Roc1y) {
                assert_eq!(row.value(ind), None, "{}", ind.as_str());
            }
            assert_eq!(row.cross, None);
            assert_eq!(row.stance, Stance::Neutral);
        }
    }

    /// 200 flat days at 100, 100 days at `level`, then `jump`. With m days of the jump in
    /// the windows (the first on index 300), golden case: SMA50 = 90 + 0.62m and
    /// SMA200 = 95 + 0.105m, equal at m = 9.71, so SMA50 is first above on m = 10, index
    /// 309; the death case mirrors it around 100. The flat start gives SMA50 == SMA200,
    /// which is no side and so no cross.
    fn step_series(level: f64, jump: f64) -> Vec<(NaiveDate, f64)> {
        let values: Vec<f64> = (0..400)
            .map(|i| {
                if i < 200 {
                    100.0
                } else if i < 300 {
                    level
                } else {
                    jump
                }
            })
            .collect();
        series(&values)
    }

    #[test]
    fn sma50_climbing_back_over_sma200_gives_exactly_one_golden_cross_on_that_day() {
        let points = step_series(90.0, 121.0);
        let rows = compute(&points, Frequency::Daily);
        assert!(rows[308].sma50.unwrap() < rows[308].sma200.unwrap());
        assert!(rows[309].sma50.unwrap() > rows[309].sma200.unwrap());
        let crosses: Vec<(NaiveDate, Cross)> = rows.iter().filter_map(|r| r.cross.map(|c| (r.date, c))).collect();
        assert_eq!(crosses, [(points[309].0, Cross::Golden)]);
        assert_eq!(latest_crosses(&rows), (Some(points[309].0), None));
    }

    #[test]
    fn sma50_falling_under_sma200_gives_exactly_one_death_cross_on_that_day() {
        let points = step_series(110.0, 79.0);
        let rows = compute(&points, Frequency::Daily);
        assert!(rows[308].sma50.unwrap() > rows[308].sma200.unwrap());
        assert!(rows[309].sma50.unwrap() < rows[309].sma200.unwrap());
        let crosses: Vec<(NaiveDate, Cross)> = rows.iter().filter_map(|r| r.cross.map(|c| (r.date, c))).collect();
        assert_eq!(crosses, [(points[309].0, Cross::Death)]);
        assert_eq!(latest_crosses(&rows), (None, Some(points[309].0)));
    }

    #[test]
    fn a_steadily_rising_daily_series_is_bullish() {
        let rows = compute(&series(&(0..300).map(|i| 50.0 + 0.5 * i as f64).collect::<Vec<_>>()), Frequency::Daily);
        // Score: +1 close > SMA200, +1 SMA50 > SMA200, +1 close > SMA50, +1 MACD > 0,
        // -1 RSI 100 > 70 = 3.
        assert!(rows[199..].iter().all(|r| r.stance == Stance::Bullish));
    }

    #[test]
    fn a_steadily_falling_daily_series_is_bearish() {
        let rows = compute(&series(&(0..300).map(|i| 200.0 - 0.5 * i as f64).collect::<Vec<_>>()), Frequency::Daily);
        // Score: -1, -1, -1, -1, and +1 for RSI 0 < 30 = -3.
        assert_eq!(rows.last().unwrap().rsi14, Some(0.0));
        assert!(rows[199..].iter().all(|r| r.stance == Stance::Bearish));
    }

    #[test]
    fn a_flat_daily_series_is_neutral() {
        let rows = compute(&series(&[70.0; 300]), Frequency::Daily);
        // Every comparison ties (0); the average loss is 0, so RSI is 100 (-1): score -1.
        assert_eq!(rows.last().unwrap().rsi14, Some(100.0));
        assert_eq!(rows.last().unwrap().zscore_1y, None, "a flat window has no z-score");
        assert!(rows.iter().all(|r| r.stance == Stance::Neutral));
    }

    #[test]
    fn monthly_stance_follows_the_twelve_month_mean_and_rates_of_change() {
        let up: Vec<f64> = (0..30).map(|i| 100.0 + i as f64).collect();
        let down: Vec<f64> = (0..30).map(|i| 100.0 - i as f64).collect();
        assert_eq!(compute(&monthly(&up), Frequency::Monthly).last().unwrap().stance, Stance::Bullish);
        assert_eq!(compute(&monthly(&down), Frequency::Monthly).last().unwrap().stance, Stance::Bearish);
        assert_eq!(compute(&monthly(&[5.0; 30]), Frequency::Monthly).last().unwrap().stance, Stance::Neutral);
    }

    #[test]
    fn stance_scores_each_component_of_the_documented_rule() {
        let mut row = compute(&series(&[1.0]), Frequency::Daily).remove(0);
        row.close = 110.0;
        row.sma200 = Some(100.0);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Neutral, "+1");
        row.sma50 = Some(105.0);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Bullish, "+1 +1 +1");
        row.rsi14 = Some(75.0);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Bullish, "+1 +1 +1 -1");
        row.macd = Some(-0.5);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Neutral, "+1 +1 +1 -1 -1");
        row.rsi14 = Some(25.0);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Bullish, "+1 +1 +1 -1 +1");
        row.close = 90.0;
        row.sma50 = Some(95.0);
        row.rsi14 = Some(50.0);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Bearish, "-1 -1 -1 -1 0");
        row.rsi14 = Some(29.0);
        assert_eq!(stance(&row, Frequency::Daily), Stance::Bearish, "-1 -1 -1 -1 +1");
        assert_eq!(stance(&row, Frequency::Annual), Stance::Neutral, "annual is always neutral");
        // Monthly uses only the z-score and the 3-month and 1-year rates of change.
        row.zscore_1y = Some(0.3);
        row.roc_3m = Some(-1.0);
        row.roc_1y = Some(2.0);
        assert_eq!(stance(&row, Frequency::Monthly), Stance::Neutral, "+1 -1 +1");
        row.roc_3m = Some(1.0);
        assert_eq!(stance(&row, Frequency::Monthly), Stance::Bullish, "+1 +1 +1");
        row.zscore_1y = Some(-0.3);
        row.roc_3m = Some(-1.0);
        row.roc_1y = None;
        assert_eq!(stance(&row, Frequency::Monthly), Stance::Bearish, "-1 -1 0");
    }

    fn assert_all_finite(rows: &[SignalRow]) {
        for row in rows {
            for ind in Indicator::ALL {
                if let Some(v) = row.value(ind) {
                    assert!(v.is_finite(), "{} {}: {v}", row.date, ind.as_str());
                }
            }
            let s = &row.state;
            for v in [s.prev_close, s.ema12, s.ema26, s.macd_signal, s.avg_gain, s.avg_loss].into_iter().flatten() {
                assert!(v.is_finite(), "{} state: {s:?}", row.date);
            }
            assert!(s.macd_seed_sum.is_finite());
        }
    }

    #[test]
    fn zero_and_negative_prices_never_produce_nan_or_infinity() {
        // Swings through zero, exact zeros, a long all-zero stretch and deep negatives.
        let values: Vec<f64> = (0..420)
            .map(|i| match i {
                _ if i % 7 == 0 => 0.0,
                150..=199 => 0.0,
                _ => 20.0 * (i as f64 * 0.21).sin() + if i > 300 { -15.0 } else { 3.0 },
            })
            .collect();
        for f in [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Annual] {
            let points = match f {
                Frequency::Daily => series(&values),
                Frequency::Weekly => weekly(&values),
                Frequency::Monthly => monthly(&values),
                Frequency::Annual => annual(&values[..200]),
            };
            assert_all_finite(&compute(&points, f));
        }
        assert_all_finite(&compute(&parse_reference(WTI).points, Frequency::Daily));

        // Ratios against a base <= 0 are n/a, not infinite or sign-flipped (a week is 7 rows).
        let rows = compute(&series(&[10.0, 0.0, -5.0, 8.0, 9.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]), Frequency::Daily);
        assert_eq!(rows[8].roc_1w, None, "base 0.0");
        assert_eq!(rows[9].roc_1w, None, "base -5.0");
        assert_eq!(rows[7].roc_1w, Some(30.0), "base 10.0, close 13.0");
        assert_eq!(rows[10].roc_1w, Some(100.0), "base 8.0, close 16.0");
    }

    #[test]
    fn volatility_needs_twenty_positive_log_returns() {
        let mut values = wiggly(60);
        values[30] = -1.0;
        let rows = compute(&series(&values), Frequency::Daily);
        assert!(rows[29].vol_20d.is_some());
        // Returns into and out of day 30 are missing until both leave the 20-return window.
        assert!(rows[30..=50].iter().all(|r| r.vol_20d.is_none()));
        assert!(rows[51].vol_20d.is_some());
        // Distance to a negative low is n/a too.
        let rows = compute(&series(&[vec![50.0; 100], vec![-3.0], vec![40.0; 200]].concat()), Frequency::Daily);
        let last = rows.last().unwrap();
        assert_eq!(last.low_52w, Some(-3.0));
        assert_eq!(last.pct_from_low, None);
        assert_eq!(last.pct_from_high, Some(-20.0));
    }

    /// serde_json's default float parsing does not restore every double exactly (on these
    /// two series a decimal round trip changed most rows), hence the bit-pattern form.
    #[test]
    fn carry_state_survives_a_json_text_round_trip_bit_for_bit() {
        for csv in [WTI, GOLD] {
            let points = parse_reference(csv).points;
            let rows = compute(&points, Frequency::Daily);
            for row in &rows {
                let text = serde_json::to_string(&row.state).unwrap();
                let back: CarryState = serde_json::from_str(&text).unwrap();
                assert_eq!(format!("{back:?}"), format!("{:?}", row.state), "{text}");
            }
            // Continuing from a state read back from text equals the full recompute.
            let mut last = rows[299].clone();
            last.state = serde_json::from_str(&serde_json::to_string(&last.state).unwrap()).unwrap();
            let history = &points[history_start(&points[..300], points[300].0)..300];
            assert_identical(&extend(history, &last, &points[300..], Frequency::Daily), &rows[300..]);
        }
        let text = serde_json::to_string(&compute(&series(&[1.5]), Frequency::Daily)[0].state).unwrap();
        assert!(text.contains(r#""prev_close":"3ff8000000000000""#) && text.contains(r#""ema12":null"#), "{text}");
        assert!(serde_json::from_str::<CarryState>(&text.replace("3ff8000000000000", "1.5")).is_err());
    }

    #[test]
    fn signal_rows_serialize_with_the_documented_names() {
        let row = compute(&series(&wiggly(5)), Frequency::Daily).remove(4);
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["stance"], "neutral");
        assert!(json["state"]["count"] == 5 && json["sma20"].is_null());
        for ind in Indicator::ALL.into_iter().filter(|&i| i != Indicator::Cross) {
            assert!(json.get(ind.as_str()).is_some(), "{}", ind.as_str());
        }
        for ind in Indicator::ALL {
            assert_eq!(serde_json::to_value(ind).unwrap(), ind.as_str());
        }
        assert_eq!(serde_json::to_value(Cross::Golden).unwrap(), "golden");
        assert!(STANCE_RULE.contains("Bullish if the score is 2 or more"));
    }
}
