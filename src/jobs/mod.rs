//! Background jobs: what runs when, and what each run did. The page and its API are
//! shared; the scheduler itself is server-only.
pub mod api;
pub mod feeds;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod commodity;
#[cfg(feature = "ssr")]
pub mod kind;
#[cfg(feature = "ssr")]
pub mod runner;
#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod venture;
