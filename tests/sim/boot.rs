//! Boot as a real module does it (module.md correction 8): it answers commands while it boots,
//! SIM-dependent ones with SIM busy until `+CPIN: READY`, and the boot URCs come spread over
//! seconds, between responses.

use crate::support::pty::*;
use std::time::Duration;

#[test]
fn a_booting_module_answers_with_a_busy_sim_then_the_urcs_come_one_by_one() {
    let (sim, mut p) = start(
        "--boot --echo off --cmee 1 --delays fast --rdy-delay 50ms --sim-busy 1500ms --call-ready-delay 3s",
    );
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    // answered during boot
    p.cmd("AT\r", b"\r\nOK\r\n");
    p.read_until(b"\r\n+CFUN: 1\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.cmd("AT+CIMI\r", b"\r\n+CME ERROR: 14\r\n");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,0\r\n\r\nOK\r\n");
    // nothing else is said until the SIM is ready
    p.expect(b"\r\n+CPIN: READY\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    // registration comes later, with Call Ready; SMS Ready after it
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,2\r\n\r\nOK\r\n");
    p.expect(b"\r\nCall Ready\r\n");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    p.expect(b"\r\nSMS Ready\r\n");
    sim.shutdown();
}

#[test]
fn boot_with_the_default_delays_keeps_the_sim_busy_for_seconds() {
    let (sim, mut p) = start("--boot --echo off");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(5));
    p.read_until(b"\r\n+CFUN: 1\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.quiet(Duration::from_millis(500));
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.read_until_t(b"\r\n+CPIN: READY\r\n", Duration::from_secs(10));
    p.cmd("AT+CPIN?\r", b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    p.read_until_t(b"\r\nCall Ready\r\n", Duration::from_secs(10));
    p.read_until_t(b"\r\nSMS Ready\r\n", Duration::from_secs(10));
    sim.shutdown();
}

#[test]
fn after_a_reboot_fault_the_sim_is_busy_again() {
    let (sim, mut p) = start("--delays fast --echo off --cmee 1 --sim-busy 500ms --fault reboot-after=200ms");
    // already booted at start: the SIM is ready
    p.cmd("AT+CPIN?\r", b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    p.read_until(b"\r\n+CFUN: 1\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.expect(b"\r\n+CPIN: READY\r\n");
    p.read_until(b"\r\nSMS Ready\r\n");
    sim.shutdown();
}

#[test]
fn sim_busy_fault_overrides_the_window_and_a_locked_sim_says_so_when_it_is_read() {
    // (Call Ready late: at 15 ms it could come between the URC and the answer under load)
    let (sim, mut p) =
        start("--boot --delays fast --echo off --cmee 1 --call-ready-delay 3s --fault sim=pin");
    p.read_until_t(b"\r\n+CPIN: SIM PIN\r\n", Duration::from_secs(3));
    p.cmd("AT+CPIN?\r", b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    sim.shutdown();
    let (sim, mut p) = start("--boot --delays fast --echo off --cmee 1 --fault sim=busy:400ms");
    p.read_until_t(b"\r\n+CFUN: 1\r\n", Duration::from_secs(3));
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.read_until_t(b"\r\n+CPIN: READY\r\n", Duration::from_secs(3));
    sim.shutdown();
}
