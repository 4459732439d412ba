
use builtin;
use str;

set edit:completion:arg-completer[qtcp] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'qtcp'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'qtcp'= {
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand probe 'Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state'
            cand attach 'Check SIM and registration, set the APN and receive mode; --activate brings the context up'
            cand connect 'Open a TCP or UDP connection and leave it open'
            cand send 'Send data on the open connection with acknowledgement flow control'
            cand sack-watch 'Poll QISACK until every byte sent is acknowledged'
            cand close 'Close the connection (and with --deact the PDP context)'
            cand push 'Push one file: probe, attach, connect, send with every byte acknowledged, close'
            cand sim 'Run a simulated module on a pseudo-terminal (real sockets behind it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'qtcp;probe'= {
            cand --expect 'What counts as success'
            cand --sync-attempts 'Synchronisation attempts (AT, 500 ms apart)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand --save-baud 'After synchronising, fix and save the baud rate with AT+IPR=<baud>&W'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;attach'= {
            cand --apn 'Access point name'
            cand --user 'APN user name'
            cand --password 'APN password (redacted in traces)'
            cand --register-timeout 'How long to wait for CS registration and GPRS attach'
            cand --recv 'Receive mode: retrieve (QINDI=1, data waits in the module) or direct (QINDI=0)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand --headers 'Direct mode: prefix received data with IPD<len>, source address and protocol'
            cand --activate 'Also activate the context (QIREGAPP, QIACT, QILOCIP) and report the local IP'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;connect'= {
            cand --id 'Connection index 0..5 when the module is in multi-connection mode (QIMUX=1)'
            cand --timeout 'How long to wait for CONNECT OK (the module gives up at 75 s)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand --udp 'UDP instead of TCP'
            cand --reuse 'An open connection (ALREADY CONNECT) counts as success'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;send'= {
            cand -f 'Send the contents of FILE (binary-safe)'
            cand --file 'Send the contents of FILE (binary-safe)'
            cand -d 'Send TEXT'
            cand --data 'Send TEXT'
            cand --offset 'Skip the first N bytes of the data (resume after a failure at acknowledged offset N)'
            cand --reconnect 'After SEND FAIL, CLOSED or a stall, reopen HOST:PORT and resend from the first unacknowledged byte'
            cand --max-reconnects 'Most reconnects before giving up'
            cand --id 'Connection index (QIMUX=1)'
            cand --window 'Fixed window of unacknowledged bytes [default: adaptive, from 3000 up to --send-buffer]'
            cand --send-buffer 'The module''s socket send buffer (7300 on M95-family firmware)'
            cand --ack-timeout 'No acknowledgement progress for this long means the connection is dead'
            cand --poll-max 'Longest interval between QISACK polls (the document polls every 5 s)'
            cand --poll-min 'Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000 this is the document''s literal rule'
            cand --chunk 'Largest QISEND chunk (at most 1460)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand --wait-ack 'Finish only when every byte is acknowledged (exit 11 otherwise)'
            cand --udp 'The connection is UDP (no acknowledgements)'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;sack-watch'= {
            cand --interval 'Time between polls'
            cand --max-polls 'Give up after this many polls (24 × 5 s = the document''s 2 minutes)'
            cand --heartbeat 'Send this heartbeat first (the document''s keep-alive)'
            cand --id 'Connection index (QIMUX=1)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;close'= {
            cand --id 'Connection index (QIMUX=1)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand --deact 'Also deactivate the PDP context (QIDEACT, up to 40 s)'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;push'= {
            cand --id 'Connection index 0..5 when the module is in multi-connection mode (QIMUX=1)'
            cand --timeout 'How long to wait for CONNECT OK (the module gives up at 75 s)'
            cand --apn 'Access point name; without it the module''s configured context is used'
            cand --user 'APN user name'
            cand --password 'APN password (redacted in traces)'
            cand --window 'Fixed window of unacknowledged bytes [default: adaptive, from 3000 up to --send-buffer]'
            cand --send-buffer 'The module''s socket send buffer (7300 on M95-family firmware)'
            cand --ack-timeout 'No acknowledgement progress for this long means the connection is dead'
            cand --poll-max 'Longest interval between QISACK polls (the document polls every 5 s)'
            cand --poll-min 'Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000 this is the document''s literal rule'
            cand --chunk 'Largest QISEND chunk (at most 1460)'
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand --udp 'UDP instead of TCP'
            cand --reconnect 'Reconnect and resume from the first unacknowledged byte after SEND FAIL, CLOSED or a stall'
            cand --keep-open 'Leave the connection open at the end'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;sim'= {
            cand -p 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand --port 'Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)'
            cand -b 'Baud rate of the serial line'
            cand --baud 'Baud rate of the serial line'
            cand --trace 'Write every byte in both directions to FILE as JSON Lines (passwords redacted)'
            cand --cmd-timeout 'Shortest deadline for any command (the table''s values are the module''s maximum response times plus 1 s)'
            cand -v 'Print a readable transcript of the conversation on stderr'
            cand --verbose 'Print a readable transcript of the conversation on stderr'
            cand --json 'Print one JSON object (JSON Lines for streams) on stdout instead of text'
            cand -q 'No progress bar'
            cand --quiet 'No progress bar'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'qtcp;help'= {
            cand probe 'Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state'
            cand attach 'Check SIM and registration, set the APN and receive mode; --activate brings the context up'
            cand connect 'Open a TCP or UDP connection and leave it open'
            cand send 'Send data on the open connection with acknowledgement flow control'
            cand sack-watch 'Poll QISACK until every byte sent is acknowledged'
            cand close 'Close the connection (and with --deact the PDP context)'
            cand push 'Push one file: probe, attach, connect, send with every byte acknowledged, close'
            cand sim 'Run a simulated module on a pseudo-terminal (real sockets behind it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'qtcp;help;probe'= {
        }
        &'qtcp;help;attach'= {
        }
        &'qtcp;help;connect'= {
        }
        &'qtcp;help;send'= {
        }
        &'qtcp;help;sack-watch'= {
        }
        &'qtcp;help;close'= {
        }
        &'qtcp;help;push'= {
        }
        &'qtcp;help;sim'= {
        }
        &'qtcp;help;help'= {
        }
    ]
    $completions[$command]
}
