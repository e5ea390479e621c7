//! Pieces several pages share.
mod error_text;
mod refresh;

pub use error_text::{short_error, ErrorText};
pub use refresh::AutoRefresh;
