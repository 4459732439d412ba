//! Name resolution: IPs, `localhost`, `--map` entries, the synthetic addresses QIDNSGIP hands
//! out for mapped names, and the built-in echo server.

use super::*;
use std::net::Ipv4Addr;

impl Engine {
    /// Display IP for a name (a stable synthetic address for mapped names).
    pub(super) fn synth_ip(&mut self, name: &str) -> String {
        let key = name.to_ascii_lowercase();
        let i = match self.synth.iter().position(|n| *n == key) {
            Some(i) => i,
            None => {
                self.synth.push(key);
                self.synth.len() - 1
            }
        };
        format!("10.99.{}.{}", (i / 250) % 250, i % 250 + 1)
    }

    pub(super) fn map_lookup(&self, key: &str) -> Option<String> {
        let k = key.to_ascii_lowercase();
        self.cfg
            .map
            .iter()
            .rev()
            .find(|m| m.name == k)
            .map(|m| m.target.clone())
    }

    pub(super) fn dns_lookup(&mut self, name: &str) -> Option<String> {
        if name.parse::<Ipv4Addr>().is_ok() {
            return Some(name.to_string());
        }
        if self.map_lookup(name).is_some() {
            return Some(self.synth_ip(name));
        }
        if name.eq_ignore_ascii_case("localhost") {
            return Some("127.0.0.1".into());
        }
        None
    }

    /// Resolve a QIOPEN address: (display ip, target), or None for a DNS failure.
    pub(super) fn resolve(&mut self, host: &str, port: u16, udp: bool) -> Option<(String, Target)> {
        let is_ip = host.parse::<Ipv4Addr>().is_ok();
        if is_ip || self.qi.qidnsip || host.eq_ignore_ascii_case("localhost") {
        } else {
            return None;
        }
        if self.has_fault(&Fault::DnsFail) && !is_ip {
            return None;
        }
        let display = if is_ip {
            host.to_string()
        } else if host.eq_ignore_ascii_case("localhost") && self.map_lookup(host).is_none() {
            "127.0.0.1".to_string()
        } else {
            self.synth_ip(host)
        };
        if let Some(t) = self.map_lookup(&format!("{host}:{port}")) {
            return Some((display, mapped_target(t, udp)));
        }
        if let Some(t) = self.map_lookup(host) {
            return Some((display, mapped_target(t, udp)));
        }
        // a synthetic address handed out by QIDNSGIP
        if let Some(rest) = host.strip_prefix("10.99.") {
            let mut it = rest.split('.');
            if let (Some(a), Some(b)) = (it.next(), it.next()) {
                if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                    if b >= 1 {
                        let i = a * 250 + b - 1;
                        if let Some(n) = self.synth.get(i).cloned() {
                            if let Some(t) = self.map_lookup(&format!("{n}:{port}")) {
                                return Some((display, mapped_target(t, udp)));
                            }
                            if let Some(t) = self.map_lookup(&n) {
                                return Some((display, mapped_target(t, udp)));
                            }
                        }
                    }
                }
            }
        }
        if host == ECHO_IP && ((port == 8063 && !udp) || (port == 8062 && udp)) {
            return Some((display, Target::Echo));
        }
        if is_ip {
            return Some((display, Target::HostPort(format!("{host}:{port}"))));
        }
        if host.eq_ignore_ascii_case("localhost") {
            return Some((display, Target::HostPort(format!("localhost:{port}"))));
        }
        None
    }
}

/// Where a `--map` target goes: the built-in echo service when it names it (so
/// `--map NAME=220.180.239.212:8063` reaches the echo, as QIOPEN of that address does),
/// otherwise the address itself.
fn mapped_target(t: String, udp: bool) -> Target {
    let echo_port = if udp { 8062 } else { 8063 };
    if t == format!("{ECHO_IP}:{echo_port}") {
        Target::Echo
    } else {
        Target::HostPort(t)
    }
}
