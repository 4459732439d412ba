//! The pseudo-terminal front: one reader thread on the master (host -> module) and one writer
//! thread (module -> host), both through the shared paced line ([`super::line`]). An unpaced
//! line with no fragment fault has neither: the engine thread owns the master ([`super::direct`]).

use super::line::{read_host, HostWriter, Next, WMsg, WriteEnd};
use super::EvTx;
use serialport::{SerialPort, TTYPort};
use std::os::fd::AsRawFd;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub fn set_cloexec(fd: i32) {
    // SAFETY: fcntl on an fd we own; failure is harmless (only inheritance by children).
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
        }
    }
}

/// Create the pair; both fds close-on-exec.
pub fn open_pair() -> std::io::Result<(TTYPort, TTYPort)> {
    let (master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
    set_cloexec(master.as_raw_fd());
    set_cloexec(slave.as_raw_fd());
    Ok((master, slave))
}

pub fn spawn_reader(
    master: &TTYPort,
    tx: EvTx,
    stop: Arc<AtomicBool>,
    baud: Option<u32>,
) -> std::io::Result<thread::JoinHandle<()>> {
    let mut rd = master.try_clone_native().map_err(std::io::Error::other)?;
    set_cloexec(rd.as_raw_fd());
    rd.set_timeout(Duration::from_millis(50))
        .map_err(std::io::Error::other)?;
    thread::Builder::new().name("sim-pty-rd".into()).spawn(move || {
        // A pty reads 0 bytes while no client has the slave open: a pause, not an end.
        let fd = rd.as_raw_fd();
        read_host(&mut rd, fd, &tx, &stop, baud, false, || true);
    })
}

pub fn spawn_writer(
    master: TTYPort,
    rx: Receiver<WMsg>,
    stop: Arc<AtomicBool>,
    mut writer: HostWriter,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("sim-pty-wr".into()).spawn(move || {
        let mut master = master;
        let _ = master.set_timeout(Duration::from_millis(100));
        loop {
            let (at, data) = match writer.next(&rx) {
                Next::Data(at, data) => (at, data),
                Next::Vanish | Next::End => return,
            };
            if writer.write(&mut master, at, &data, &stop, || true) == WriteEnd::Stopped {
                return;
            }
        }
    })
}
