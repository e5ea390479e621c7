//! Charts: the Charts section (chart views of any series, downloads, the macro chart pack)
//! with its wire types, server functions and pages. The drawing is `plot`'s; this module
//! reads the series and the venture figures the views and the pack show.
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod pack;
#[cfg(feature = "ssr")]
pub mod pack_service;
#[cfg(feature = "ssr")]
pub mod view;
