//! Pieces several pages share.
mod refresh;

pub use refresh::AutoRefresh;
