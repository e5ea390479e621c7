//! Pieces several pages share: tables, paging, badges, source lines, and what a page shows
//! while loading, when empty or on an error. Plain components rendered on the server, except
//! the islands (`AutoRefresh`), the only parts that run in the browser.
mod badge;
mod chips;
mod error_text;
mod loaded;
mod pager;
mod refresh;
mod section;
mod source;
mod status;
mod table;

pub use badge::{DemoBadge, DemoNotice};
pub use chips::{choice_chips, Chip, Chips};
pub use error_text::{short_error, ErrorText};
pub use loaded::{answer_with, Loaded};
pub use pager::{rows_label, Pager};
pub use refresh::AutoRefresh;
pub use section::{PageHead, Section};
pub use source::{fetched_from, SourceLine};
pub use status::{failure_title, EmptyState, ErrorBox, ErrorLine, Loading, NoMatch, PageFailure};
pub use table::{count_of, Col, CsvLink, DataTable, SortHeader, TableHead, TableTools};
