//! Venture capital: companies, rounds, investors, acquisitions, valuations, funds and the
//! IPO pipeline, from SEC EDGAR and imports. Only the sector taxonomy has landed so far.
pub mod sector;
