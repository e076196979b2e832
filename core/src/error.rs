//! The one error type of the crate: every fallible call returns it, every binding maps it.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Longest input accepted by the functions that read a code or a name (`resolve`, `by_name`, `search`).
pub const MAX_QUERY_LEN: usize = 4096;

named_enum! {
    /// The variant of an [`Error`], as a stable identifier shared by every binding.
    pub enum ErrorKind {
        /// [`Error::EmptyInput`].
        EmptyInput = "empty-input",
        /// [`Error::InputTooLong`].
        InputTooLong = "input-too-long",
        /// [`Error::InvalidCode`].
        InvalidCode = "invalid-code",
        /// [`Error::UnknownCode`].
        UnknownCode = "unknown-code",
        /// [`Error::UnknownName`].
        UnknownName = "unknown-name",
        /// [`Error::NotAnErrorBody`].
        NotAnErrorBody = "not-an-error-body",
        /// [`Error::InvalidPartial`].
        InvalidPartial = "invalid-partial",
    }
}

/// Why a lookup, resolution or search could not give an answer.
///
/// It serializes as `{"kind": <ErrorKind>, "message": <Display text>, ...the variant's fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The input was empty or only white space.
    EmptyInput,
    /// The input is longer than [`MAX_QUERY_LEN`] bytes.
    InputTooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The largest accepted length.
        max: usize,
    },
    /// The number is not an IoT Hub error code: codes have six digits and start with an HTTP error status.
    InvalidCode {
        /// The offending input (shortened when long).
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A well-formed code that the catalog does not list (it can still be classified by its family).
    UnknownCode {
        /// The code.
        code: u32,
    },
    /// No entry has this name or alias.
    UnknownName {
        /// The name looked for (shortened when long).
        name: String,
    },
    /// The text is not an IoT Hub error body (no code, name or known message in it).
    NotAnErrorBody {
        /// What was missing or wrong.
        reason: &'static str,
    },
    /// Diagnosis partials that cannot be merged: bytes that are not a serialized partial, or one device in two
    /// partials (all records of a device must reach one diagnoser).
    InvalidPartial {
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// The variant, as a stable identifier (`ErrorKind::UnknownCode.as_str()` is `"unknown-code"`).
    pub const fn kind(&self) -> ErrorKind {
        match self {
            Error::EmptyInput => ErrorKind::EmptyInput,
            Error::InputTooLong { .. } => ErrorKind::InputTooLong,
            Error::InvalidCode { .. } => ErrorKind::InvalidCode,
            Error::UnknownCode { .. } => ErrorKind::UnknownCode,
            Error::UnknownName { .. } => ErrorKind::UnknownName,
            Error::NotAnErrorBody { .. } => ErrorKind::NotAnErrorBody,
            Error::InvalidPartial { .. } => ErrorKind::InvalidPartial,
        }
    }

    pub(crate) fn invalid_code(input: &str, reason: &'static str) -> Error {
        Error::InvalidCode { input: shorten(input), reason }
    }

    pub(crate) fn unknown_name(name: &str) -> Error {
        Error::UnknownName { name: shorten(name) }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyInput => write!(f, "the input is empty"),
            Error::InputTooLong { len, max } => {
                write!(f, "the input is {len} bytes long; at most {max} are accepted")
            }
            Error::InvalidCode { input, reason } => {
                write!(f, "\"{input}\" is not an IoT Hub error code: {reason}")
            }
            Error::UnknownCode { code } => {
                write!(f, "{code} is not in the catalog (it can still be classified by its family)")
            }
            Error::UnknownName { name } => write!(f, "no IoT Hub error is called \"{name}\""),
            Error::NotAnErrorBody { reason } => write!(f, "not an IoT Hub error body: {reason}"),
            Error::InvalidPartial { reason } => write!(f, "diagnosis partials cannot be merged: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Error", 4)?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        match self {
            Error::EmptyInput => {}
            Error::InputTooLong { len, max } => {
                s.serialize_field("len", len)?;
                s.serialize_field("max", max)?;
            }
            Error::InvalidCode { input, reason } => {
                s.serialize_field("input", input)?;
                s.serialize_field("reason", reason)?;
            }
            Error::UnknownCode { code } => s.serialize_field("code", code)?,
            Error::UnknownName { name } => s.serialize_field("name", name)?,
            Error::NotAnErrorBody { reason } => s.serialize_field("reason", reason)?,
            Error::InvalidPartial { reason } => s.serialize_field("reason", reason)?,
        }
        s.end()
    }
}

/// Keeps at most 64 characters of an input for an error message.
fn shorten(input: &str) -> String {
    const KEEP: usize = 64;
    match input.char_indices().nth(KEEP) {
        Some((cut, _)) => format!("{}…", input.get(..cut).unwrap_or_default()),
        None => input.to_owned(),
    }
}
