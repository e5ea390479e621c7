//! The fuzz targets' checks (see `checks`); each target in fuzz_targets/ is one call.
pub mod checks;
