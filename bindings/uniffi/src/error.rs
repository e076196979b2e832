//! The one error type of the binding: `IotHubErrorsException` in Kotlin, `IotHubErrorsError` in Swift and
//! Python. Every variant carries the core's fields; [`IotHubErrorsError::kind`] gives the core's stable id.

use std::fmt;

/// Why a lookup, resolution, search or parse could not give an answer.
///
/// `kind()` returns the same stable identifier as the core and every other binding (`"empty-input"`,
/// `"input-too-long"`, `"invalid-code"`, `"unknown-code"`, `"unknown-name"`, `"not-an-error-body"`), or
/// `"internal"` for the binding's own failure.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum IotHubErrorsError {
    /// The input was empty or only white space.
    EmptyInput,
    /// The input is longer than the core accepts (4096 bytes for codes, names and search queries).
    InputTooLong {
        /// Length of the input in bytes (UTF-8).
        len: u64,
        /// The largest accepted length in bytes.
        max: u64,
    },
    /// The number (or text) is not an IoT Hub error code: codes have six digits and start with an HTTP
    /// error status IoT Hub uses. Numbers the core's 32-bit codes cannot hold (negative, too large) land here.
    InvalidCode {
        /// The offending input (shortened when long).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A well-formed code that the catalog does not list (`classify` still answers for it).
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
        reason: String,
    },
    /// An error kind that a newer core reports and this binding does not describe field by field yet.
    Other {
        /// The core's stable identifier of the error.
        kind: String,
        /// The core's description of the error.
        detail: String,
    },
    /// A core answer the binding could not convert into its record (a bug of the binding, `kind()` is
    /// `"internal"`). It cannot happen by construction: the records are generated from the core's JSON Schema
    /// and the binding's drift test converts every conformance answer and sample report.
    Internal {
        /// What went wrong.
        detail: String,
    },
}

#[uniffi::export]
impl IotHubErrorsError {
    /// The stable identifier of the error, the same as the core's `Error::kind()` and in every binding.
    pub fn kind(&self) -> String {
        use iothub_errors::ErrorKind;
        match self {
            IotHubErrorsError::EmptyInput => ErrorKind::EmptyInput,
            IotHubErrorsError::InputTooLong { .. } => ErrorKind::InputTooLong,
            IotHubErrorsError::InvalidCode { .. } => ErrorKind::InvalidCode,
            IotHubErrorsError::UnknownCode { .. } => ErrorKind::UnknownCode,
            IotHubErrorsError::UnknownName { .. } => ErrorKind::UnknownName,
            IotHubErrorsError::NotAnErrorBody { .. } => ErrorKind::NotAnErrorBody,
            IotHubErrorsError::Other { kind, .. } => return kind.clone(),
            IotHubErrorsError::Internal { .. } => return INTERNAL.to_owned(),
        }
        .as_str()
        .to_owned()
    }
}

/// The kind of [`IotHubErrorsError::Internal`], the binding's own (the core has no such error).
const INTERNAL: &str = "internal";

impl IotHubErrorsError {
    /// The error for a number that the core's code type (`u32`) cannot hold.
    pub(crate) fn code_out_of_range(code: i64) -> IotHubErrorsError {
        IotHubErrorsError::InvalidCode {
            input: code.to_string(),
            reason: "codes have exactly six digits".to_owned(),
        }
    }

    /// The error for an HTTP status that `u16` cannot hold.
    pub(crate) fn status_out_of_range(status: i64) -> IotHubErrorsError {
        IotHubErrorsError::InvalidCode {
            input: status.to_string(),
            reason: "an HTTP status is a number from 0 to 65535".to_owned(),
        }
    }

    /// The error for a core value that does not fit its generated mirror.
    pub(crate) fn internal(error: serde_json::Error) -> IotHubErrorsError {
        IotHubErrorsError::Internal { detail: format!("the binding could not convert a result: {error}") }
    }
}

impl From<iothub_errors::Error> for IotHubErrorsError {
    fn from(error: iothub_errors::Error) -> IotHubErrorsError {
        use iothub_errors::Error;
        match error {
            Error::EmptyInput => IotHubErrorsError::EmptyInput,
            Error::InputTooLong { len, max } => IotHubErrorsError::InputTooLong {
                len: u64::try_from(len).unwrap_or(u64::MAX),
                max: u64::try_from(max).unwrap_or(u64::MAX),
            },
            Error::InvalidCode { input, reason } => {
                IotHubErrorsError::InvalidCode { input, reason: reason.to_owned() }
            }
            Error::UnknownCode { code } => IotHubErrorsError::UnknownCode { code },
            Error::UnknownName { name } => IotHubErrorsError::UnknownName { name },
            Error::NotAnErrorBody { reason } => {
                IotHubErrorsError::NotAnErrorBody { reason: reason.to_owned() }
            }
            // The core's error enum is `#[non_exhaustive]`: a kind added there still crosses the boundary
            // typed, with its stable id, until this binding gives it fields of its own.
            other => {
                IotHubErrorsError::Other { kind: other.kind().as_str().to_owned(), detail: other.to_string() }
            }
        }
    }
}

impl fmt::Display for IotHubErrorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IotHubErrorsError::EmptyInput => write!(f, "the input is empty"),
            IotHubErrorsError::InputTooLong { len, max } => {
                write!(f, "the input is {len} bytes long; at most {max} are accepted")
            }
            IotHubErrorsError::InvalidCode { input, reason } => {
                write!(f, "\"{input}\" is not an IoT Hub error code: {reason}")
            }
            IotHubErrorsError::UnknownCode { code } => {
                write!(f, "{code} is not in the catalog (it can still be classified by its family)")
            }
            IotHubErrorsError::UnknownName { name } => write!(f, "no IoT Hub error is called \"{name}\""),
            IotHubErrorsError::NotAnErrorBody { reason } => write!(f, "not an IoT Hub error body: {reason}"),
            IotHubErrorsError::Other { detail, .. } | IotHubErrorsError::Internal { detail } => {
                f.write_str(detail)
            }
        }
    }
}

impl std::error::Error for IotHubErrorsError {}

#[cfg(test)]
mod tests {
    use iothub_errors::Error;

    use super::IotHubErrorsError;

    /// The binding's kind and text are the core's, for every kind the core has.
    #[test]
    fn kind_and_text_are_the_core_ones() {
        let errors = [
            Error::EmptyInput,
            Error::InputTooLong { len: 5000, max: iothub_errors::MAX_QUERY_LEN },
            Error::InvalidCode { input: "123".to_owned(), reason: "codes have exactly six digits" },
            Error::UnknownCode { code: 400999 },
            Error::UnknownName { name: "Nope".to_owned() },
            Error::NotAnErrorBody { reason: "the body is empty" },
            Error::InvalidPartial { reason: "device `d` is in two partials".to_owned() },
        ];
        assert_eq!(errors.len(), iothub_errors::ErrorKind::ALL.len());
        for error in errors {
            let mirror = IotHubErrorsError::from(error.clone());
            assert_eq!(mirror.kind(), error.kind().as_str());
            assert_eq!(mirror.to_string(), error.to_string());
        }
    }

    #[test]
    fn real_core_errors_cross_with_their_kind() {
        let cases = [
            (iothub_errors::lookup(123).map(|_| ()), "invalid-code"),
            (iothub_errors::lookup(400999).map(|_| ()), "unknown-code"),
            (iothub_errors::by_name("").map(|_| ()), "empty-input"),
            (iothub_errors::by_name(&"x".repeat(5000)).map(|_| ()), "input-too-long"),
            (iothub_errors::resolve("hello").map(|_| ()), "unknown-name"),
            (iothub_errors::parse_error_body("hello", None).map(|_| ()), "not-an-error-body"),
        ];
        for (result, kind) in cases {
            let error = result.expect_err(kind);
            assert_eq!(IotHubErrorsError::from(error.clone()).kind(), kind);
            assert_eq!(IotHubErrorsError::from(error.clone()).to_string(), error.to_string());
        }
    }
}
