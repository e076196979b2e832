//! Every Azure IoT Hub error code, and what to do about it.
//!
//! The crate answers three questions about the six-digit codes IoT Hub reports (401003, 404104, 429001, ...):
//!
//! - **What is it?** [`lookup`], [`by_name`], [`resolve`] and [`search`] find catalog [`Entry`]s: name,
//!   family, class, causes, ordered fixes, related codes and the documentation link.
//! - **What do I do with it?** [`classify`] answers for any well-formed code, listed or not: transient or not,
//!   [`RetryAdvice`], the [`Actor`] who must act, the [`Severity`], and what each SDK does by itself
//!   ([`sdk::views`]).
//!
//! ```
//! let entry = iothub_errors::lookup(401003).unwrap();
//! assert_eq!(entry.name, "IotHubUnauthorized");
//! let resolved = iothub_errors::resolve("aka.ms/iothub404102").unwrap();
//! assert_eq!(resolved.entry.unwrap().code, Some(404103));
//! let unlisted = iothub_errors::classify(429999).unwrap();
//! assert!(unlisted.transient && !unlisted.known);
//! ```
//!
//! The catalog is compiled from `core/data/catalog.toml` into static tables; nothing is parsed, read or
//! allocated to answer a lookup, and no input makes any function panic.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod catalog;
mod classify;
mod error;
mod model;
mod resolve;
pub mod sdk;
mod search;

pub use catalog::{by_name, entries, families, family_of, lookup};
pub use classify::{Classification, classify};
pub use error::{Error, MAX_QUERY_LEN};
pub use model::{Actor, Entry, ErrorClass, Family, RetryAdvice, Severity, Source};
pub use resolve::{MatchKind, Resolution, resolve};
pub use search::{SearchHit, search};
