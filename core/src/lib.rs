#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

#[macro_use]
extern crate iothub_errors_records;

pub mod catalog;
mod classify;
#[cfg(feature = "diagnosis")]
pub mod diagnose;
mod error;
pub mod kql;
mod model;
mod resolve;
#[cfg(feature = "diagnosis")]
mod scan;
#[cfg(feature = "schema")]
pub mod schema;
pub mod sdk;
mod search;
mod sort;

#[cfg(feature = "diagnosis")]
pub use iothub_errors_records::logs;
#[cfg(feature = "diagnosis")]
use iothub_errors_records::{json, time};

pub use catalog::{by_name, entries, families, family_of, lookup};
pub use classify::{Classification, classify};
pub use error::{Error, ErrorKind, MAX_QUERY_LEN};
pub use model::{Actor, Entry, ErrorClass, Family, RetryAdvice, RetryKind, Severity, Source, Texts};
pub use resolve::{MatchKind, Resolution, resolve};
#[cfg(feature = "diagnosis")]
pub use scan::{
    Alternative, ErrorBody, ErrorFacts, ErrorLink, Evidence, ScanFinding, Service, StringIndexes, StringUnit,
    parse_error_body, resolve_error, scan,
};
pub use search::{SearchHit, search};
