//! The recommended process (../shared/spec/recommended-process.txt), one module per step. Each
//! procedure drives a [`Session`](crate::session::Session), returns a typed outcome and reports
//! progress through callbacks; none of them prints.

pub mod attach;
pub mod close;
pub mod common;
pub mod connect;
pub mod probe;
pub mod recv;
pub mod sack;
pub mod send;
pub mod state;
pub mod transparent;
