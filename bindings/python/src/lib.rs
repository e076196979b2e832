//! Placeholder: the Python binding is being written.
