//! The log-record reader of [`iothub-errors`](https://docs.rs/iothub-errors): Azure Monitor exports (JSON lines,
//! arrays, Event Hubs and Event Grid documents, CSV) decoded into [`logs::LogRecord`]s, with the JSON reader and
//! time parser they need.
//!
//! Use it through `iothub_errors::logs`; this crate exists only so that the npm build can optimise the reader,
//! which runs for every record, for speed while the rest of the core is optimised for size.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

#[doc(hidden)]
#[macro_use]
pub mod named;

#[doc(hidden)]
pub mod hash;
#[doc(hidden)]
pub mod json;
pub mod logs;
#[doc(hidden)]
pub mod time;
