//! Helpers shared by the test suite: golden files, comparisons, devices.
#![allow(missing_docs)]
