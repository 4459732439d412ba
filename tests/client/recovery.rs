//! Issue 6, recovery policy: --reset-cmd power-cycles a module that does not synchronise, with
//! the recommended process's back-off remembered per port across invocations.

use crate::support::*;

#[test]
fn reset_then_the_module_answers() {
    let sim = Sim::start(&["--delays=fast", "--fault", "sync-after=3"]);
    let marker = sim.path("reset-ran");
    let cmd = format!("touch {}", marker.display());
    let state = sim.path("state");
    let r = sim.qtcp(&[
        "--json",
        "--reset-cmd",
        &cmd,
        "--state-dir",
        state.to_str().unwrap(),
        "probe",
        "--sync-attempts",
        "2",
    ]);
    r.assert_code(0);
    assert_eq!(r.json()["resets"], 1);
    assert!(marker.exists());
}

#[test]
fn back_off_stops_a_loop_from_hammering_a_dead_module() {
    let sim = Sim::start(&["--delays=fast", "--fault", "silent=*"]);
    let counter = sim.path("resets");
    let cmd = format!("echo x >> {}", counter.display());
    let state = sim.path("state");
    let args = [
        "--json",
        "--reset-cmd",
        &cmd,
        "--state-dir",
        state.to_str().unwrap(),
        "probe",
        "--sync-attempts",
        "1",
    ];
    for _ in 0..4 {
        let r = sim.qtcp(&args);
        r.assert_code(4);
        assert!(r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("after a reset"));
    }
    // The fifth reset in a row must wait 10 minutes: refused at once, still exit 4.
    let r = sim.qtcp(&args);
    r.assert_code(4);
    let v = r.json();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("next reset is allowed in"),
        "{v}"
    );
    // (The count is in the message: the JSON has no undocumented keys, issue 12.)
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reset 4 times in a row"),
        "{v}"
    );
    let resets = std::fs::read_to_string(&counter).unwrap();
    assert_eq!(resets.lines().count(), 4);
}

#[test]
fn without_reset_cmd_exit_4_says_what_to_do() {
    let sim = Sim::start(&["--delays=fast", "--fault", "silent=*"]);
    let r = sim.qtcp(&["--json", "probe", "--sync-attempts", "1"]);
    r.assert_code(4);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--reset-cmd"));
}
