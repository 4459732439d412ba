# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_qtcp_global_optspecs
    string join \n p/port= b/baud= flow-control= dialect= trace= v/verbose json q/quiet cmd-timeout= reset-cmd= context= state-dir= h/help V/version
end

function __fish_qtcp_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_qtcp_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_qtcp_using_subcommand
    set -l cmd (__fish_qtcp_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c qtcp -n "__fish_qtcp_needs_command" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_needs_command" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_needs_command" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_needs_command" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_needs_command" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_needs_command" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_needs_command" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_needs_command" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_needs_command" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_needs_command" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_needs_command" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_needs_command" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_needs_command" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "probe" -d 'Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "attach" -d 'Check SIM and registration, set the APN and receive mode; --activate brings the context up'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "connect" -d 'Open a TCP or UDP connection and leave it open'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "send" -d 'Send data on the open connection with acknowledgement flow control'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "recv" -d 'Receive data from the open connection (retrieve or direct mode) to stdout, a file or JSON'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "sack-watch" -d 'Poll QISACK until every byte sent is acknowledged'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "close" -d 'Close the connection (and with --deact the PDP context)'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "push" -d 'Push one file: probe, attach, connect, send with every byte acknowledged, close'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "transparent" -d 'Bridge stdin/stdout to a connection in transparent mode (QIMODE=1), byte-exact'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "at" -d 'Send AT command lines in turn under the port lock and deadlines; print each response'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "echo" -d 'Check a round trip through an echo server: send probes, compare what comes back'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "sim" -d 'Run a simulated module on a pseudo-terminal or TCP (real sockets behind it), or replay a trace'
complete -c qtcp -n "__fish_qtcp_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l expect -d 'What counts as success' -r -f -a "answer\t'Exit 0 whenever the module answers (SIM and network are reported as fields)'
ready\t'Also require SIM ready (else 5), CS registration and GPRS attach (else 6)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l sim-timeout -d 'With --expect ready: how long to wait for a SIM that is still starting (busy or not ready, as for a few seconds after power-on) before giving up with exit 5' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l sync-attempts -d 'Synchronisation attempts (AT, 500 ms apart)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l save-baud -d 'After synchronising, fix and save the baud rate with AT+IPR=<baud>&W'
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand probe" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l apn -d 'Access point name' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l user -d 'APN user name' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l password -d 'APN password (redacted in traces)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l register-timeout -d 'How long to wait for CS registration and GPRS attach' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l sim-timeout -d 'How long to wait for a SIM that is still starting (busy or not ready, as for a few seconds after power-on) before giving up with exit 5; an absent or locked SIM fails at once' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l recv -d 'Receive mode: retrieve (QINDI=1, data waits in the module) or direct (QINDI=0)' -r -f -a "retrieve\t'Data waits in the module (QINDI=1) and is read with AT+QIRD: the right mode for scripts'
direct\t'Data is pushed to the serial port as it arrives (QINDI=0)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l auth -d 'Authentication of the context (ctx family: QICSGP\'s <authentication>) [default: none without --user/--password, pap-or-chap with them]; the QI family has no choice' -r -f -a "none\t''
pap\t''
chap\t''
pap-or-chap\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l headers -d 'Direct mode: prefix received data with IPD<len>, source address and protocol'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l activate -d 'Also activate the context (QIREGAPP, QIACT, QILOCIP) and report the local IP'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand attach" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l timeout -d 'How long to wait for the open\'s result [default: the module\'s own limit: 75 s for CONNECT OK on the QI family, 150 s for +QIOPEN on the ctx family]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l recv -d 'How received data reaches the host: retrieve (it waits in the module for qtcp recv) or direct (pushed to the serial line). The QI family sets it for the module (QINDI, as attach --recv); the ctx family opens the socket in that access mode (buffer or direct push). Not given: unchanged (QI), buffer access (ctx)' -r -f -a "retrieve\t'Data waits in the module (QINDI=1) and is read with AT+QIRD: the right mode for scripts'
direct\t'Data is pushed to the serial port as it arrives (QINDI=0)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l udp -d 'UDP instead of TCP'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l reuse -d 'An open connection (ALREADY CONNECT) counts as success (ctx: only when open to this host, port and protocol; to another peer it is exit 8)'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand connect" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s f -l file -d 'Send the contents of FILE (binary-safe)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s d -l data -d 'Send TEXT' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l offset -d 'Skip the first N bytes of the data (resume after a failure at acknowledged offset N)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l reconnect -d 'After SEND FAIL, CLOSED or a stall, reopen HOST:PORT and resend from the first unacknowledged byte' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l max-reconnects -d 'Most reconnects before giving up' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l recv-out -d 'Direct mode: write what the server sends during the send to FILE instead of discarding it (the module pushes it onto the serial line whether or not recv runs)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l window -d 'Fixed window of unacknowledged bytes [default: the whole --send-buffer]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l send-buffer -d 'The module\'s socket send buffer (7300 on M95-family firmware)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l ack-timeout -d 'No acknowledgement progress for this long means the connection is dead' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l poll-max -d 'Longest interval between QISACK polls (the document polls every 5 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l poll-min -d 'Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000 this is the document\'s literal rule' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l chunk -d 'Largest QISEND chunk (at most 1460)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l wait-ack -d 'Finish only when every byte is acknowledged (exit 11 otherwise)'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l udp -d 'The connection is UDP (no acknowledgements)'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand send" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l mode -d 'Receive mode; auto asks the module (AT+QINDI?)' -r -f -a "auto\t'Ask the module (AT+QINDI?): 1 or 2 is retrieve, 0 is direct'
retrieve\t'Data waits in the module; read with AT+QIRD (QINDI=1/2)'
direct\t'Data is pushed by the module as it arrives (QINDI=0)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l chunk -d 'Largest AT+QIRD read' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l bytes -d 'Stop after N bytes' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l idle -d 'Stop after this long without data' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l timeout -d 'Stop after this long overall' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s o -l out -d 'Write the data to FILE instead of stdout' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l poll -d 'Read (retrieve) or check the connection (direct) at least this often without a URC' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l headers -d 'Direct mode: switch on IPD<len> framing (QIHEAD=1, QISHOWRA=1, QISHOWPT=1) and use it'
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand recv" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l interval -d 'Time between polls' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l max-polls -d 'Give up after this many polls (24 × 5 s = the document\'s 2 minutes)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l heartbeat -d 'Send this heartbeat first (the document\'s keep-alive)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand sack-watch" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l deact -d 'Also deactivate the PDP context (QIDEACT, up to 40 s)'
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand close" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l timeout -d 'How long to wait for the open\'s result [default: the module\'s own limit: 75 s for CONNECT OK on the QI family, 150 s for +QIOPEN on the ctx family]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l apn -d 'Access point name; without it the module\'s configured context is used' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l user -d 'APN user name' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l password -d 'APN password (redacted in traces)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l sim-timeout -d 'How long to wait for a SIM that is still starting (busy or not ready, as for a few seconds after power-on) before giving up with exit 5; an absent or locked SIM fails at once' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l window -d 'Fixed window of unacknowledged bytes [default: the whole --send-buffer]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l send-buffer -d 'The module\'s socket send buffer (7300 on M95-family firmware)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l ack-timeout -d 'No acknowledgement progress for this long means the connection is dead' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l poll-max -d 'Longest interval between QISACK polls (the document polls every 5 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l poll-min -d 'Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000 this is the document\'s literal rule' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l chunk -d 'Largest QISEND chunk (at most 1460)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l udp -d 'UDP instead of TCP'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l reconnect -d 'Reconnect and resume from the first unacknowledged byte after SEND FAIL, CLOSED or a stall'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l keep-open -d 'Leave the connection open at the end'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand push" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l timeout -d 'How long to wait for CONNECT [default: the module\'s own limit: 75 s on the QI family, 150 s on the ctx family]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l wait -d 'The module sends a partial packet after this long without input (QITCFG WaitTm, 100 ms units, 100ms..1s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l packet-size -d 'The module sends at once when this many bytes collected (QITCFG SendSz)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l guard -d 'Silence before and after +++ (the module needs 1 s before, 0.5-1 s after)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l duration -d 'End the session after this long' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l linger -d 'After stdin EOF, keep receiving until nothing arrived for this long' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l udp -d 'UDP instead of TCP'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l close -d 'After leaving data mode, close the connection (QI: and restore QIMODE=0); without it the next transparent session to the same peer resumes it (QI: ATO; ctx: AT+QISWTMD)'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand transparent" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l timeout -d 'Deadline of each command [default: the module\'s maximum response time for it plus 1 s, at least 5 s]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand at" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -s p -l port -d 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as \'/dev/serial/by-id/*Quectel*\') and drive them concurrently' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -s b -l baud -d 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l flow-control -d 'Flow control of the serial device; must match the module\'s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l dialect -d 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced' -r -f -a "auto\t'From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR'
qi\t'M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)'
ctx\t'BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l trace -d 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l cmd-timeout -d 'Shortest deadline for any command (the table\'s values are the module\'s maximum response times plus 1 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l reset-cmd -d 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l context -d 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l state-dir -d 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l count -d 'Number of probes' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l size -d 'Bytes per probe' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l pattern -d 'Probe bytes: this text repeated to --size [default: pseudo-random bytes, every value]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l seed -d 'Seed of the pseudo-random probe bytes (a failure can be reproduced with it)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l timeout -d 'How long each echo may take to come back (TCP: and to be acknowledged)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l id -d 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l mode -d 'How the echo is read: auto asks the module (AT+QINDI?); retrieve or direct set it' -r -f -a "auto\t'Ask the module (AT+QINDI?): 1 or 2 is retrieve, 0 is direct'
retrieve\t'Data waits in the module; read with AT+QIRD (QINDI=1/2)'
direct\t'Data is pushed by the module as it arrives (QINDI=0)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l connect-timeout -d 'How long to wait for CONNECT OK (the module gives up at 75 s)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -s v -l verbose -d 'Print a readable transcript of the conversation on stderr'
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l json -d 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -s q -l quiet -d 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)'
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -l udp -d 'UDP instead of TCP'
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand echo" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l link -d 'Create a symlink PATH -> the pty slave, removed on exit. An existing PATH is replaced only if it is a stale link to a pty that is gone; anything else is an error' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l listen -d 'Serve the module over raw TCP on ADDR (e.g. 127.0.0.1:0) instead of a pty, as a serial server (ser2net raw mode) would: clients use --port tcp://HOST:PORT, one at a time' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l replay -d 'Answer like a recorded module: replay a `--trace` FILE (repeatable: files are replayed in order, as one conversation); the engine flags are then ignored (see the long help)' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l echo -d 'Initial echo (ATE) setting' -r -f -a "on\t''
off\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l cmee -d 'AT+CMEE at power-on (0: plain ERROR, 1: `+CME ERROR: <n>`, 2: text) [default: from --model; 1]' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l ipr -d 'Stored AT+IPR value (0: autobauding, the boot shows no RDY, and +CFUN/+CPIN wait for the host\'s first command)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l map -d 'Resolve NAME (domain name, IP or IP:PORT) to HOST:PORT for QIOPEN/QIDNSGIP (repeatable)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l delays -d 'Delay table: default (spec §5) or fast (a few ms each)' -r -f -a "default\t'QIACT 1 s, QIOPEN 300 ms, QIDEACT 300 ms, DNS 200 ms; boot: RDY 500 ms, +CFUN 200 ms later, SIM busy 3 s after RDY, Call Ready 5 s, SMS Ready 1.5 s after it'
fast\t'A few milliseconds each (for tests)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qiact-delay -d 'Override the QIACT delay' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qiopen-delay -d 'Override the QIOPEN delay (before the real connect starts)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qideact-delay -d 'Override the QIDEACT delay' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l dns-delay -d 'Override the DNS lookup delay' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l rdy-delay -d 'Override the boot delay until RDY' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l call-ready-delay -d 'Override the boot delay until Call Ready (never before +CPIN: READY)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l sim-busy -d 'After power-on (--boot, a reboot): SIM-dependent commands answer SIM busy (+CME ERROR: 14) for DUR after RDY, then +CPIN: READY comes (default 3s; 5ms with --delays fast)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l connect-timeout -d 'Real TCP connect timeout (the module answers CONNECT FAIL after it)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l send-buffer -d 'Per-socket send buffer: a QISEND that would make unacknowledged bytes exceed it fails' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l uplink -d 'Rate at which the radio drains the send buffer (4000, 4KB/s, 1MB/s; default unlimited)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l downlink -d 'Rate at which server data reaches the module (default unlimited)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l rtt -d 'Round-trip time: a segment that leaves the module at t reaches the server at t + rtt/2 and is acknowledged at t + rtt; server data takes rtt/2 to reach the module' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l mss -d 'Largest TCP segment on the radio link, each way: with --uplink/--downlink data moves in packets of up to this many bytes' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l recv-buffer -d 'The module\'s receive buffer per connection: when the host leaves this much unread, the module stops taking data and the server sees TCP backpressure' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l line-baud -d 'Serial line speed: bytes in both directions paced at N/10 bytes per second' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l model -d 'Module model: what ATI/AT+GMR/AT+CGMM report, and the firmware knobs where real modules differ (see the long help)' -r -f -a "m95\t''
m66\t''
mc60\t''
m26\t''
m35\t''
gc65\t''
bg96\t''
bg95\t''
bg77\t''
ec21\t''
ec25\t''
eg25\t''
ec200u\t''
ug96\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l close-urc -d 'Single-mode peer-close URC: indexed (`0, CLOSED`) or plain (`CLOSED`) [default: from --model; indexed]' -r -f -a "plain\t'`CLOSED`'
indexed\t'`0, CLOSED`'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l already-connect -d 'Answer to QIOPEN on an open connection [default: from --model; with-error]' -r -f -a "plain\t'`ALREADY CONNECT`'
with-error\t'`ALREADY CONNECT` then `ERROR`'
mux-connect-fail\t'mux mode: `OK` then `<i>, CONNECT FAIL` (single mode: plain)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l mux-index -d 'How a mux result names its connection: spaced (`2, SEND OK`) or compact (`2,SEND OK`) [default: from --model; spaced, gc65: compact]' -r -f -a "spaced\t'`2, SEND OK`'
compact\t'`2,SEND OK`'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l type-ahead -d 'A command line written before the previous one\'s final result: dropped (drop) or run after it (queue) [default: from --model; drop]' -r -f -a "drop\t'A line written before the previous command\'s final result is dropped'
queue\t'It is kept and executed after that result'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qird-gap -d 'Between two `+QIRD:` UDP records of one answer: crlf, or none (the header right after the datagram\'s last byte) [default: from --model; crlf, gc65: none]' -r -f -a "crlf\t'`\\r\\n` before each `+QIRD:` header'
none\t'The next `+QIRD:` header right after the previous datagram\'s last byte'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qicsgp-read -d 'What `AT+QICSGP?` answers: full (`+QICSGP: 1,"apn","user","pwd"`) or mode (`+QICSGP: 1`) [default: from --model; full, mc60: mode]' -r -f -a "full\t'`+QICSGP: <mode>,"<apn>","<user>","<pwd>"`'
mode\t'`+QICSGP: <mode>` only'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qideact-in-initial -d 'QIDEACT in IP INITIAL answers `DEACT OK` (ok) or `ERROR`' -r -f -a "ok\t''
error\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qiact-fail-state -d 'State after a failed QIACT' -r -f -a "pdp-deact\t''
ip-initial\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qirdi -d '+QIRDI rule: once (empty -> non-empty) or per-packet' -r -f -a "per-packet\t'One URC per packet received'
once\t'One URC when the buffer goes from empty to non-empty'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qird-max -d 'Most bytes one AT+QIRD returns' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qird-udp -d 'UDP in retrieve mode: several `+QIRD:` records per AT+QIRD (one per datagram) or one [default: from --model; several]' -r -f -a "several\t'One `+QIRD:` record per datagram, as many as fit in the length asked for'
one\t'One datagram per AT+QIRD'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qisend-max -d 'Largest QISEND length' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l lf-after-cr -d 'Which LF after a command line\'s CR is dropped (never data): with-cr (the LF of a CR LF host), always (also a LF that starts a payload after the prompt) or none (a LF right after a data-phase line\'s CR is its first payload byte)' -r -f -a "with-cr\t'Only a LF that came with the CR'
always\t'Any LF that is the next byte after a CR, however late'
none\t'No LF: a LF right after the CR of a QISEND/ATO line is payload'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l guard-before -d 'Silence required before `+++`' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l guard-after -d 'Silence required after `+++`' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l seed -d 'Seed of the random generator (noise)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l host-log -d 'Append one JSON line per host command line ({"t_ms":N,"line":ESCAPED}, every byte kept: printable ASCII as is, \\\\ \\r \\n \\t \\xNN for the rest) or data phase ({"t_ms":N,"data_len":N}) to FILE' -r -F
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l fault -d 'Inject a fault (repeatable): peer-close-after-bytes=N, pdp-deact-after=DUR, pdp-deact-after-bytes=N, ack-stall-after-bytes=N, connect-fail=N, dns-fail, sim=absent|pin|busy|busy:DUR, no-register, no-attach, qiact-fail, silent=PREFIX|*, sync-after=N, reboot-after=DUR, reboot-after-bytes=N, noise=P, urc-noise=P, fragment=SIZE/DUR, vanish-after=DUR; context-dialect models also drop-recv-urc (buffer-mode data comes unannounced) and qiopen-no-urc (QIOPEN\'s +QIOPEN: URC never comes)' -r
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qiact-when-active -d 'Context dialect: QIACT on an already active context answers ERROR or OK (not documented; ERROR is the cautious reading)' -r -f -a "ok\t''
error\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l failed-open-keeps-id -d 'Context dialect: a failed QIOPEN keeps its id claimed (+QIOPEN: <id>,563 on the next open) until AT+QICLOSE (seen in the field)' -r -f -a "on\t''
off\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l connected-state -d 'Context dialect: socket_state of a connected client in AT+QISTATE: 3 (a real BG96) or 2 (the manual)' -r -f -a "2\t'2, as the manual says'
3\t'3, as a real BG96 said'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qird-trailer -d 'Context dialect: what follows the data of +QIRD: <n> before OK' -r -f -a "crlf\t'`<data>\\r\\n\\r\\nOK\\r\\n` (the manual\'s layout)'
none\t'`<data>\\r\\nOK\\r\\n`'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l urc-port -d 'Context dialect: the port URCs go to at power-on (AT+QURCCFG="urcport"). The simulator serves uart1: with another port no URC reaches the host' -r -f -a "usbat\t''
usbmodem\t''
uart1\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qigeterror-space -d 'Context dialect: a space after the comma of +QIGETERROR (`552, invalid parameters`) [default: from --model; on for ug96 (captured), off for the others (captured on BG9x)]' -r -f -a "on\t''
off\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l cme-5xx -d 'Context dialect: with AT+CMEE>=1, a TCP/IP command that fails answers `+CME ERROR: <5xx>`, its AT+QIGETERROR code (`+CME ERROR: 567`; with AT+CMEE=2 the code\'s words) instead of `ERROR`. A capture shows plain ERROR under CMEE=1 (off); `on` is unattested' -r -f -a "on\t''
off\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l qigeterror-keep -d 'Context dialect: AT+QIGETERROR keeps the last error until another error replaces it (on), instead of each successful TCP/IP command setting it to 0 (off; no source says)' -r -f -a "on\t''
off\t''"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l transparent-close -d 'Context dialect: what a transparent-mode socket says when the peer closes, before the port returns to command mode (no source says: both readings are offered)' -r -f -a "no-carrier\t'`NO CARRIER` [INF: V.250]'
qiurc\t'`+QIURC: "closed",<id>` [INF]'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l flow-control -d 'The host\'s flow control, accepted so one set of flags serves both sides: a pty has no RTS/CTS lines, so hardware changes nothing; XON/XOFF is applied by the host\'s kernel on its end of the pty' -r -f -a "none\t'No flow control (the module\'s default, AT+IFC=0,0)'
hardware\t'RTS/CTS (AT+IFC=2,2 on the module)'
software\t'XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)'"
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l replay-timing -d 'With --replay: reproduce the recorded delays between a command and each answer (default: answer at once)'
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l boot -d 'Emit the power-on URC sequence when the simulator starts (default: already booted)'
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l no-implicit-activation -d 'QIOPEN (and QIACT) in IP INITIAL answer ERROR instead of activating implicitly'
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -l recv-urc-len -d 'Context dialect: buffer-mode recv URCs carry the length (+QIURC: "recv",<id>,<len>) from power-on, as after AT+QICFG="recvind",1'
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qtcp -n "__fish_qtcp_using_subcommand sim" -s V -l version -d 'Print version'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "probe" -d 'Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "attach" -d 'Check SIM and registration, set the APN and receive mode; --activate brings the context up'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "connect" -d 'Open a TCP or UDP connection and leave it open'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "send" -d 'Send data on the open connection with acknowledgement flow control'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "recv" -d 'Receive data from the open connection (retrieve or direct mode) to stdout, a file or JSON'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "sack-watch" -d 'Poll QISACK until every byte sent is acknowledged'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "close" -d 'Close the connection (and with --deact the PDP context)'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "push" -d 'Push one file: probe, attach, connect, send with every byte acknowledged, close'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "transparent" -d 'Bridge stdin/stdout to a connection in transparent mode (QIMODE=1), byte-exact'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "at" -d 'Send AT command lines in turn under the port lock and deadlines; print each response'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "echo" -d 'Check a round trip through an echo server: send probes, compare what comes back'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "sim" -d 'Run a simulated module on a pseudo-terminal or TCP (real sockets behind it), or replay a trace'
complete -c qtcp -n "__fish_qtcp_using_subcommand help; and not __fish_seen_subcommand_from probe attach connect send recv sack-watch close push transparent at echo sim help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
