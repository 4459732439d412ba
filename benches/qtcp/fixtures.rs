//! Loopback servers and files of the benchmarks: a counting sink, a paced source, hashes.

use super::*;

/// Loopback TCP server: counts what each connection delivers (sink), or writes a given number of
/// bytes to each connection and closes it (source, for receive benchmarks).
pub struct Server {
    pub port: u16,
    pub received: Arc<AtomicU64>,
}

impl Server {
    pub fn sink() -> Server {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind sink");
        let port = l.local_addr().unwrap().port();
        let received = Arc::new(AtomicU64::new(0));
        let r2 = received.clone();
        thread::spawn(move || {
            for s in l.incoming() {
                let Ok(mut s) = s else { continue };
                let r = r2.clone();
                thread::spawn(move || {
                    let mut buf = vec![0u8; 65536];
                    while let Ok(n) = s.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        r.fetch_add(n as u64, Ordering::Relaxed);
                    }
                });
            }
        });
        Server { port, received }
    }

    pub fn take(&self) -> u64 {
        self.received.swap(0, Ordering::Relaxed)
    }
}

/// Loopback TCP source for the receive runs: each connection gets `bytes` of the seeded random
/// stream ([`stream_hash`]), written as fast as the simulator takes them, from the moment
/// [`Source::go`] is called (so nothing piles up in the module before `qtcp recv` starts).
pub struct Source {
    pub port: u16,
    /// (bytes for the next connection, go)
    pub state: Arc<(Mutex<(u64, bool)>, std::sync::Condvar)>,
}

impl Source {
    pub fn start() -> Source {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind source");
        let port = l.local_addr().unwrap().port();
        let state = Arc::new((Mutex::new((0u64, false)), std::sync::Condvar::new()));
        let st = state.clone();
        thread::spawn(move || {
            for s in l.incoming() {
                let Ok(mut s) = s else { continue };
                let st = st.clone();
                thread::spawn(move || {
                    let n = {
                        let (m, cv) = &*st;
                        let mut g = m.lock().unwrap();
                        while !g.1 {
                            g = cv.wait(g).unwrap();
                        }
                        g.0
                    };
                    let mut rng = Rng::new(n ^ 0x9e37_79b9_7f4a_7c15);
                    let mut buf = vec![0u8; 16384];
                    let mut left = n;
                    while left > 0 {
                        let k = (left as usize).min(buf.len());
                        rng.fill(&mut buf[..k]);
                        if s.write_all(&buf[..k]).is_err() {
                            return;
                        }
                        left -= k as u64;
                    }
                    // keep the connection open until the reader closes it
                    let _ = s.set_read_timeout(Some(Duration::from_secs(600)));
                    let mut b = [0u8; 64];
                    let _ = s.read(&mut b);
                });
            }
        });
        Source { port, state }
    }

    /// The next connection will carry `n` bytes, once [`Source::go`] is called.
    pub fn arm(&self, n: u64) {
        *self.state.0.lock().unwrap() = (n, false);
    }

    pub fn go(&self) {
        self.state.0.lock().unwrap().1 = true;
        self.state.1.notify_all();
    }
}

/// SHA-256 of the first `n` bytes of the source's stream for an `n`-byte connection.
pub fn stream_hash(n: u64) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut rng = Rng::new(n ^ 0x9e37_79b9_7f4a_7c15);
    let mut buf = vec![0u8; 16384];
    let mut left = n;
    while left > 0 {
        let k = (left as usize).min(buf.len());
        rng.fill(&mut buf[..k]);
        h.update(&buf[..k]);
        left -= k as u64;
    }
    support::hex(&h.finalize())
}

pub fn file_hash(p: &Path) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut f = std::fs::File::open(p).expect("open received file");
    let mut buf = vec![0u8; 65536];
    loop {
        let n = f.read(&mut buf).expect("read received file");
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    support::hex(&h.finalize())
}

pub fn random_file(dir: &Path, bytes: u64) -> PathBuf {
    let p = dir.join(format!("random-{bytes}"));
    if p.exists() {
        return p;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let mut rng = Rng::new(bytes ^ 0x1234_5678);
    let mut buf = vec![0u8; 65536];
    let mut left = bytes;
    while left > 0 {
        let k = (left as usize).min(buf.len());
        rng.fill(&mut buf[..k]);
        f.write_all(&buf[..k]).unwrap();
        left -= k as u64;
    }
    f.flush().unwrap();
    p
}

pub fn sparse_file(dir: &Path, bytes: u64) -> PathBuf {
    let p = dir.join(format!("sparse-{bytes}"));
    std::fs::File::create(&p).unwrap().set_len(bytes).unwrap();
    p
}
