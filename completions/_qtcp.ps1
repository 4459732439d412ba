
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'qtcp' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'qtcp'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'qtcp' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Check SIM and registration, set the APN and receive mode; --activate brings the context up')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a TCP or UDP connection and leave it open')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send data on the open connection with acknowledgement flow control')
            [CompletionResult]::new('recv', 'recv', [CompletionResultType]::ParameterValue, 'Receive data from the open connection (retrieve or direct mode) to stdout, a file or JSON')
            [CompletionResult]::new('sack-watch', 'sack-watch', [CompletionResultType]::ParameterValue, 'Poll QISACK until every byte sent is acknowledged')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close the connection (and with --deact the PDP context)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push one file: probe, attach, connect, send with every byte acknowledged, close')
            [CompletionResult]::new('transparent', 'transparent', [CompletionResultType]::ParameterValue, 'Bridge stdin/stdout to a connection in transparent mode (QIMODE=1), byte-exact')
            [CompletionResult]::new('at', 'at', [CompletionResultType]::ParameterValue, 'Send AT command lines in turn under the port lock and deadlines; print each response')
            [CompletionResult]::new('echo', 'echo', [CompletionResultType]::ParameterValue, 'Check a round trip through an echo server: send probes, compare what comes back')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Run a simulated module on a pseudo-terminal or TCP (real sockets behind it), or replay a trace')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'qtcp;probe' {
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'What counts as success')
            [CompletionResult]::new('--sim-timeout', '--sim-timeout', [CompletionResultType]::ParameterName, 'With --expect ready: how long to wait for a SIM that is still starting (busy or not ready, as for a few seconds after power-on) before giving up with exit 5')
            [CompletionResult]::new('--sync-attempts', '--sync-attempts', [CompletionResultType]::ParameterName, 'Synchronisation attempts (AT, 500 ms apart)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--save-baud', '--save-baud', [CompletionResultType]::ParameterName, 'After synchronising, fix and save the baud rate with AT+IPR=<baud>&W')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;attach' {
            [CompletionResult]::new('--apn', '--apn', [CompletionResultType]::ParameterName, 'Access point name')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'APN user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'APN password (redacted in traces)')
            [CompletionResult]::new('--register-timeout', '--register-timeout', [CompletionResultType]::ParameterName, 'How long to wait for CS registration and GPRS attach')
            [CompletionResult]::new('--sim-timeout', '--sim-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a SIM that is still starting (busy or not ready, as for a few seconds after power-on) before giving up with exit 5; an absent or locked SIM fails at once')
            [CompletionResult]::new('--recv', '--recv', [CompletionResultType]::ParameterName, 'Receive mode: retrieve (QINDI=1, data waits in the module) or direct (QINDI=0)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication of the context (ctx family: QICSGP''s <authentication>) [default: none without --user/--password, pap-or-chap with them]; the QI family has no choice')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'Direct mode: prefix received data with IPD<len>, source address and protocol')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Also activate the context (QIREGAPP, QIACT, QILOCIP) and report the local IP')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;connect' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the open''s result [default: the module''s own limit: 75 s for CONNECT OK on the QI family, 150 s for +QIOPEN on the ctx family]')
            [CompletionResult]::new('--recv', '--recv', [CompletionResultType]::ParameterName, 'How received data reaches the host: retrieve (it waits in the module for qtcp recv) or direct (pushed to the serial line). The QI family sets it for the module (QINDI, as attach --recv); the ctx family opens the socket in that access mode (buffer or direct push). Not given: unchanged (QI), buffer access (ctx)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP instead of TCP')
            [CompletionResult]::new('--reuse', '--reuse', [CompletionResultType]::ParameterName, 'An open connection (ALREADY CONNECT) counts as success (ctx: only when open to this host, port and protocol; to another peer it is exit 8)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;send' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Send the contents of FILE (binary-safe)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send the contents of FILE (binary-safe)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Send TEXT')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send TEXT')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Skip the first N bytes of the data (resume after a failure at acknowledged offset N)')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'After SEND FAIL, CLOSED or a stall, reopen HOST:PORT and resend from the first unacknowledged byte')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Most reconnects before giving up')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('--recv-out', '--recv-out', [CompletionResultType]::ParameterName, 'Direct mode: write what the server sends during the send to FILE instead of discarding it (the module pushes it onto the serial line whether or not recv runs)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Fixed window of unacknowledged bytes [default: the whole --send-buffer]')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'The module''s socket send buffer (7300 on M95-family firmware)')
            [CompletionResult]::new('--ack-timeout', '--ack-timeout', [CompletionResultType]::ParameterName, 'No acknowledgement progress for this long means the connection is dead')
            [CompletionResult]::new('--poll-max', '--poll-max', [CompletionResultType]::ParameterName, 'Longest interval between QISACK polls (the document polls every 5 s)')
            [CompletionResult]::new('--poll-min', '--poll-min', [CompletionResultType]::ParameterName, 'Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000 this is the document''s literal rule')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Largest QISEND chunk (at most 1460)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--wait-ack', '--wait-ack', [CompletionResultType]::ParameterName, 'Finish only when every byte is acknowledged (exit 11 otherwise)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'The connection is UDP (no acknowledgements)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;recv' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Receive mode; auto asks the module (AT+QINDI?)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Largest AT+QIRD read')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Stop after N bytes')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Stop after this long without data')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long overall')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the data to FILE instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the data to FILE instead of stdout')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Read (retrieve) or check the connection (direct) at least this often without a URC')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'Direct mode: switch on IPD<len> framing (QIHEAD=1, QISHOWRA=1, QISHOWPT=1) and use it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;sack-watch' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between polls')
            [CompletionResult]::new('--max-polls', '--max-polls', [CompletionResultType]::ParameterName, 'Give up after this many polls (24 × 5 s = the document''s 2 minutes)')
            [CompletionResult]::new('--heartbeat', '--heartbeat', [CompletionResultType]::ParameterName, 'Send this heartbeat first (the document''s keep-alive)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;close' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--deact', '--deact', [CompletionResultType]::ParameterName, 'Also deactivate the PDP context (QIDEACT, up to 40 s)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;push' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the open''s result [default: the module''s own limit: 75 s for CONNECT OK on the QI family, 150 s for +QIOPEN on the ctx family]')
            [CompletionResult]::new('--apn', '--apn', [CompletionResultType]::ParameterName, 'Access point name; without it the module''s configured context is used')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'APN user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'APN password (redacted in traces)')
            [CompletionResult]::new('--sim-timeout', '--sim-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a SIM that is still starting (busy or not ready, as for a few seconds after power-on) before giving up with exit 5; an absent or locked SIM fails at once')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Fixed window of unacknowledged bytes [default: the whole --send-buffer]')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'The module''s socket send buffer (7300 on M95-family firmware)')
            [CompletionResult]::new('--ack-timeout', '--ack-timeout', [CompletionResultType]::ParameterName, 'No acknowledgement progress for this long means the connection is dead')
            [CompletionResult]::new('--poll-max', '--poll-max', [CompletionResultType]::ParameterName, 'Longest interval between QISACK polls (the document polls every 5 s)')
            [CompletionResult]::new('--poll-min', '--poll-min', [CompletionResultType]::ParameterName, 'Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000 this is the document''s literal rule')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Largest QISEND chunk (at most 1460)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP instead of TCP')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'Reconnect and resume from the first unacknowledged byte after SEND FAIL, CLOSED or a stall')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'Leave the connection open at the end')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;transparent' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for CONNECT [default: the module''s own limit: 75 s on the QI family, 150 s on the ctx family]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'The module sends a partial packet after this long without input (QITCFG WaitTm, 100 ms units, 100ms..1s)')
            [CompletionResult]::new('--packet-size', '--packet-size', [CompletionResultType]::ParameterName, 'The module sends at once when this many bytes collected (QITCFG SendSz)')
            [CompletionResult]::new('--guard', '--guard', [CompletionResultType]::ParameterName, 'Silence before and after +++ (the module needs 1 s before, 0.5-1 s after)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'End the session after this long')
            [CompletionResult]::new('--linger', '--linger', [CompletionResultType]::ParameterName, 'After stdin EOF, keep receiving until nothing arrived for this long')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP instead of TCP')
            [CompletionResult]::new('--close', '--close', [CompletionResultType]::ParameterName, 'After leaving data mode, close the connection (QI: and restore QIMODE=0); without it the next transparent session to the same peer resumes it (QI: ATO; ctx: AT+QISWTMD)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;at' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline of each command [default: the module''s maximum response time for it plus 1 s, at least 5 s]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;echo' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`). probe, attach, push and close take several (repeat --port, or a glob such as ''/dev/serial/by-id/*Quectel*'') and drive them concurrently')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--baud', '--baud', [CompletionResultType]::ParameterName, 'Baud rate of the serial line (given, it also paces the guard time before `+++` in transparent mode: a pty or adapter may hold bytes the line has not carried yet)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'Flow control of the serial device; must match the module''s AT+IFC (hardware: AT+IFC=2,2; software is XON/XOFF and not binary-safe)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)')
            [CompletionResult]::new('--cmd-timeout', '--cmd-timeout', [CompletionResultType]::ParameterName, 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)')
            [CompletionResult]::new('--reset-cmd', '--reset-cmd', [CompletionResultType]::ParameterName, 'Command that power-cycles the module (run with sh -c) when it fails to synchronise; consecutive resets back off as the recommended process says (3 quick, then 10 min, 30 min, 1 h), remembered per port in --state-dir')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'PDP context the ctx family configures, activates and opens sockets on (1..16); the QI family has one context and takes only 1')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Number of probes')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Bytes per probe')
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'Probe bytes: this text repeated to --size [default: pseudo-random bytes, every value]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the pseudo-random probe bytes (a failure can be reproduced with it)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each echo may take to come back (TCP: and to be acknowledged)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the ctx family (socket 0 when not given)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How the echo is read: auto asks the module (AT+QINDI?); retrieve or direct set it')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for CONNECT OK (the module gives up at 75 s)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a readable transcript of the conversation on stderr')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (JSON Lines for streams) on stdout instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars, spinners, notices or warnings on stderr (errors are still printed)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP instead of TCP')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;sim' {
            [CompletionResult]::new('--link', '--link', [CompletionResultType]::ParameterName, 'Create a symlink PATH -> the pty slave, removed on exit. An existing PATH is replaced only if it is a stale link to a pty that is gone; anything else is an error')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Serve the module over raw TCP on ADDR (e.g. 127.0.0.1:0) instead of a pty, as a serial server (ser2net raw mode) would: clients use --port tcp://HOST:PORT, one at a time')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Answer like a recorded module: replay a `--trace` FILE (repeatable: files are replayed in order, as one conversation); the engine flags are then ignored (see the long help)')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'Initial echo (ATE) setting')
            [CompletionResult]::new('--cmee', '--cmee', [CompletionResultType]::ParameterName, 'AT+CMEE at power-on (0: plain ERROR, 1: `+CME ERROR: <n>`, 2: text) [default: from --model; 1]')
            [CompletionResult]::new('--ipr', '--ipr', [CompletionResultType]::ParameterName, 'Stored AT+IPR value (0: autobauding, the boot shows no RDY, and +CFUN/+CPIN wait for the host''s first command)')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Resolve NAME (domain name, IP or IP:PORT) to HOST:PORT for QIOPEN/QIDNSGIP (repeatable)')
            [CompletionResult]::new('--delays', '--delays', [CompletionResultType]::ParameterName, 'Delay table: default (spec §5) or fast (a few ms each)')
            [CompletionResult]::new('--qiact-delay', '--qiact-delay', [CompletionResultType]::ParameterName, 'Override the QIACT delay')
            [CompletionResult]::new('--qiopen-delay', '--qiopen-delay', [CompletionResultType]::ParameterName, 'Override the QIOPEN delay (before the real connect starts)')
            [CompletionResult]::new('--qideact-delay', '--qideact-delay', [CompletionResultType]::ParameterName, 'Override the QIDEACT delay')
            [CompletionResult]::new('--dns-delay', '--dns-delay', [CompletionResultType]::ParameterName, 'Override the DNS lookup delay')
            [CompletionResult]::new('--rdy-delay', '--rdy-delay', [CompletionResultType]::ParameterName, 'Override the boot delay until RDY')
            [CompletionResult]::new('--call-ready-delay', '--call-ready-delay', [CompletionResultType]::ParameterName, 'Override the boot delay until Call Ready (never before +CPIN: READY)')
            [CompletionResult]::new('--sim-busy', '--sim-busy', [CompletionResultType]::ParameterName, 'After power-on (--boot, a reboot): SIM-dependent commands answer SIM busy (+CME ERROR: 14) for DUR after RDY, then +CPIN: READY comes (default 3s; 5ms with --delays fast)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Real TCP connect timeout (the module answers CONNECT FAIL after it)')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'Per-socket send buffer: a QISEND that would make unacknowledged bytes exceed it fails')
            [CompletionResult]::new('--uplink', '--uplink', [CompletionResultType]::ParameterName, 'Rate at which the radio drains the send buffer (4000, 4KB/s, 1MB/s; default unlimited)')
            [CompletionResult]::new('--downlink', '--downlink', [CompletionResultType]::ParameterName, 'Rate at which server data reaches the module (default unlimited)')
            [CompletionResult]::new('--rtt', '--rtt', [CompletionResultType]::ParameterName, 'Round-trip time: a segment that leaves the module at t reaches the server at t + rtt/2 and is acknowledged at t + rtt; server data takes rtt/2 to reach the module')
            [CompletionResult]::new('--mss', '--mss', [CompletionResultType]::ParameterName, 'Largest TCP segment on the radio link, each way: with --uplink/--downlink data moves in packets of up to this many bytes')
            [CompletionResult]::new('--recv-buffer', '--recv-buffer', [CompletionResultType]::ParameterName, 'The module''s receive buffer per connection: when the host leaves this much unread, the module stops taking data and the server sees TCP backpressure')
            [CompletionResult]::new('--line-baud', '--line-baud', [CompletionResultType]::ParameterName, 'Serial line speed: bytes in both directions paced at N/10 bytes per second')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Module model: what ATI/AT+GMR/AT+CGMM report, and the firmware knobs where real modules differ (see the long help)')
            [CompletionResult]::new('--close-urc', '--close-urc', [CompletionResultType]::ParameterName, 'Single-mode peer-close URC: indexed (`0, CLOSED`) or plain (`CLOSED`) [default: from --model; indexed]')
            [CompletionResult]::new('--already-connect', '--already-connect', [CompletionResultType]::ParameterName, 'Answer to QIOPEN on an open connection [default: from --model; with-error]')
            [CompletionResult]::new('--mux-index', '--mux-index', [CompletionResultType]::ParameterName, 'How a mux result names its connection: spaced (`2, SEND OK`) or compact (`2,SEND OK`) [default: from --model; spaced, gc65: compact]')
            [CompletionResult]::new('--type-ahead', '--type-ahead', [CompletionResultType]::ParameterName, 'A command line written before the previous one''s final result: dropped (drop) or run after it (queue) [default: from --model; drop]')
            [CompletionResult]::new('--qird-gap', '--qird-gap', [CompletionResultType]::ParameterName, 'Between two `+QIRD:` UDP records of one answer: crlf, or none (the header right after the datagram''s last byte) [default: from --model; crlf, gc65: none]')
            [CompletionResult]::new('--qicsgp-read', '--qicsgp-read', [CompletionResultType]::ParameterName, 'What `AT+QICSGP?` answers: full (`+QICSGP: 1,"apn","user","pwd"`) or mode (`+QICSGP: 1`) [default: from --model; full, mc60: mode]')
            [CompletionResult]::new('--qideact-in-initial', '--qideact-in-initial', [CompletionResultType]::ParameterName, 'QIDEACT in IP INITIAL answers `DEACT OK` (ok) or `ERROR`')
            [CompletionResult]::new('--qiact-fail-state', '--qiact-fail-state', [CompletionResultType]::ParameterName, 'State after a failed QIACT')
            [CompletionResult]::new('--qirdi', '--qirdi', [CompletionResultType]::ParameterName, '+QIRDI rule: once (empty -> non-empty) or per-packet')
            [CompletionResult]::new('--qird-max', '--qird-max', [CompletionResultType]::ParameterName, 'Most bytes one AT+QIRD returns')
            [CompletionResult]::new('--qird-udp', '--qird-udp', [CompletionResultType]::ParameterName, 'UDP in retrieve mode: several `+QIRD:` records per AT+QIRD (one per datagram) or one [default: from --model; several]')
            [CompletionResult]::new('--qisend-max', '--qisend-max', [CompletionResultType]::ParameterName, 'Largest QISEND length')
            [CompletionResult]::new('--lf-after-cr', '--lf-after-cr', [CompletionResultType]::ParameterName, 'Which LF after a command line''s CR is dropped (never data): with-cr (the LF of a CR LF host), always (also a LF that starts a payload after the prompt) or none (a LF right after a data-phase line''s CR is its first payload byte)')
            [CompletionResult]::new('--guard-before', '--guard-before', [CompletionResultType]::ParameterName, 'Silence required before `+++`')
            [CompletionResult]::new('--guard-after', '--guard-after', [CompletionResultType]::ParameterName, 'Silence required after `+++`')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the random generator (noise)')
            [CompletionResult]::new('--host-log', '--host-log', [CompletionResultType]::ParameterName, 'Append one JSON line per host command line ({"t_ms":N,"line":ESCAPED}, every byte kept: printable ASCII as is, \\ \r \n \t \xNN for the rest) or data phase ({"t_ms":N,"data_len":N}) to FILE')
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'Inject a fault (repeatable): peer-close-after-bytes=N, pdp-deact-after=DUR, pdp-deact-after-bytes=N, ack-stall-after-bytes=N, connect-fail=N, dns-fail, sim=absent|pin|busy|busy:DUR, no-register, no-attach, qiact-fail, silent=PREFIX|*, sync-after=N, reboot-after=DUR, reboot-after-bytes=N, noise=P, urc-noise=P, fragment=SIZE/DUR, vanish-after=DUR; context-dialect models also drop-recv-urc (buffer-mode data comes unannounced) and qiopen-no-urc (QIOPEN''s +QIOPEN: URC never comes)')
            [CompletionResult]::new('--qiact-when-active', '--qiact-when-active', [CompletionResultType]::ParameterName, 'Context dialect: QIACT on an already active context answers ERROR or OK (not documented; ERROR is the cautious reading)')
            [CompletionResult]::new('--failed-open-keeps-id', '--failed-open-keeps-id', [CompletionResultType]::ParameterName, 'Context dialect: a failed QIOPEN keeps its id claimed (+QIOPEN: <id>,563 on the next open) until AT+QICLOSE (seen in the field)')
            [CompletionResult]::new('--connected-state', '--connected-state', [CompletionResultType]::ParameterName, 'Context dialect: socket_state of a connected client in AT+QISTATE: 3 (a real BG96) or 2 (the manual)')
            [CompletionResult]::new('--qird-trailer', '--qird-trailer', [CompletionResultType]::ParameterName, 'Context dialect: what follows the data of +QIRD: <n> before OK')
            [CompletionResult]::new('--urc-port', '--urc-port', [CompletionResultType]::ParameterName, 'Context dialect: the port URCs go to at power-on (AT+QURCCFG="urcport"). The simulator serves uart1: with another port no URC reaches the host')
            [CompletionResult]::new('--qigeterror-space', '--qigeterror-space', [CompletionResultType]::ParameterName, 'Context dialect: a space after the comma of +QIGETERROR (`552, invalid parameters`) [default: from --model; on for ug96 (captured), off for the others (captured on BG9x)]')
            [CompletionResult]::new('--cme-5xx', '--cme-5xx', [CompletionResultType]::ParameterName, 'Context dialect: with AT+CMEE>=1, a TCP/IP command that fails answers `+CME ERROR: <5xx>`, its AT+QIGETERROR code (`+CME ERROR: 567`; with AT+CMEE=2 the code''s words) instead of `ERROR`. A capture shows plain ERROR under CMEE=1 (off); `on` is unattested')
            [CompletionResult]::new('--qigeterror-keep', '--qigeterror-keep', [CompletionResultType]::ParameterName, 'Context dialect: AT+QIGETERROR keeps the last error until another error replaces it (on), instead of each successful TCP/IP command setting it to 0 (off; no source says)')
            [CompletionResult]::new('--transparent-close', '--transparent-close', [CompletionResultType]::ParameterName, 'Context dialect: what a transparent-mode socket says when the peer closes, before the port returns to command mode (no source says: both readings are offered)')
            [CompletionResult]::new('--flow-control', '--flow-control', [CompletionResultType]::ParameterName, 'The host''s flow control, accepted so one set of flags serves both sides: a pty has no RTS/CTS lines, so hardware changes nothing; XON/XOFF is applied by the host''s kernel on its end of the pty')
            [CompletionResult]::new('--replay-timing', '--replay-timing', [CompletionResultType]::ParameterName, 'With --replay: reproduce the recorded delays between a command and each answer (default: answer at once)')
            [CompletionResult]::new('--boot', '--boot', [CompletionResultType]::ParameterName, 'Emit the power-on URC sequence when the simulator starts (default: already booted)')
            [CompletionResult]::new('--no-implicit-activation', '--no-implicit-activation', [CompletionResultType]::ParameterName, 'QIOPEN (and QIACT) in IP INITIAL answer ERROR instead of activating implicitly')
            [CompletionResult]::new('--recv-urc-len', '--recv-urc-len', [CompletionResultType]::ParameterName, 'Context dialect: buffer-mode recv URCs carry the length (+QIURC: "recv",<id>,<len>) from power-on, as after AT+QICFG="recvind",1')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'qtcp;help' {
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Check SIM and registration, set the APN and receive mode; --activate brings the context up')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a TCP or UDP connection and leave it open')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send data on the open connection with acknowledgement flow control')
            [CompletionResult]::new('recv', 'recv', [CompletionResultType]::ParameterValue, 'Receive data from the open connection (retrieve or direct mode) to stdout, a file or JSON')
            [CompletionResult]::new('sack-watch', 'sack-watch', [CompletionResultType]::ParameterValue, 'Poll QISACK until every byte sent is acknowledged')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close the connection (and with --deact the PDP context)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push one file: probe, attach, connect, send with every byte acknowledged, close')
            [CompletionResult]::new('transparent', 'transparent', [CompletionResultType]::ParameterValue, 'Bridge stdin/stdout to a connection in transparent mode (QIMODE=1), byte-exact')
            [CompletionResult]::new('at', 'at', [CompletionResultType]::ParameterValue, 'Send AT command lines in turn under the port lock and deadlines; print each response')
            [CompletionResult]::new('echo', 'echo', [CompletionResultType]::ParameterValue, 'Check a round trip through an echo server: send probes, compare what comes back')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Run a simulated module on a pseudo-terminal or TCP (real sockets behind it), or replay a trace')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'qtcp;help;probe' {
            break
        }
        'qtcp;help;attach' {
            break
        }
        'qtcp;help;connect' {
            break
        }
        'qtcp;help;send' {
            break
        }
        'qtcp;help;recv' {
            break
        }
        'qtcp;help;sack-watch' {
            break
        }
        'qtcp;help;close' {
            break
        }
        'qtcp;help;push' {
            break
        }
        'qtcp;help;transparent' {
            break
        }
        'qtcp;help;at' {
            break
        }
        'qtcp;help;echo' {
            break
        }
        'qtcp;help;sim' {
            break
        }
        'qtcp;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
