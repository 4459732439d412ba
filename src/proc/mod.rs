//! The recommended process (../shared/spec/recommended-process.txt), one module per step. Each
//! procedure drives a [`Session`](crate::session::Session), returns its typed report (and on
//! failure a typed partial report, [`Failed`](crate::error::Failed)), reports progress through
//! callbacks, and never prints. Every procedure expects a session that is synchronised already:
//! the one owner of "synchronise first" is whoever opens the session (the CLI's
//! `PortArgs::open_port`); only a reboot met along the way is synchronised again here.

pub mod at;
pub mod attach;
pub mod close;
pub mod common;
pub mod connect;
pub mod echo;
pub mod probe;
pub mod recv;
pub mod sack;
pub mod send;
pub mod state;
pub mod transparent;
