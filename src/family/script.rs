//! A scripted module for the family tests: a loopback "serial server" that checks each write
//! of the host against the script and answers with the script's bytes, so a family's steps are
//! tested against transcripts without a simulator.

use crate::session::{Session, SessionOptions};
use crate::transport::Transport;
use std::io::{Read, Write};
use std::thread::JoinHandle;

/// What the host writes, and what the module answers.
pub type Step = (&'static [u8], &'static [u8]);

/// A session on a module that follows `script`, then stays silent. Join the handle at the end:
/// it panics when the host wrote anything else than the script says.
pub fn scripted(family: &'static dyn super::Family, script: Vec<Step>) -> (Session, JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let module = std::thread::spawn(move || {
        let (mut peer, _) = l.accept().unwrap();
        for (want, answer) in script {
            let mut got = vec![0u8; want.len()];
            peer.read_exact(&mut got).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want),
                "the host wrote something else"
            );
            peer.write_all(answer).unwrap();
        }
        // Hold the line open until the host is done.
        let _ = peer.read(&mut [0u8; 1]);
    });
    let tracer = crate::trace::Tracer::new(None, false).unwrap();
    let t = Transport::open_tcp(&addr, tracer).unwrap();
    let mut s = Session::new(t, SessionOptions::default());
    s.set_family(family);
    (s, module)
}
