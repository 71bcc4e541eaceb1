// The text `--output help` prints: every format, destination and option with an example.

export function outputHelp(): string {
  return `Control how and where events are printed with one or more --output values.

Formats (give one; a bare word is a format, e.g. --output json):
  table                       Print one fixed-width row per event (default)
  table-verbose               Print rows with namespace, container and parent pid columns
  json                        Print one JSON object per line
  gotemplate=/path/to/file    Run a Go text/template once per event (no newline is added; see docs/gotemplate.md)
  none                        Print no events (errors and statistics still go to the error stream)
  (gob, Go's own encoding, is not available: use json)

Destinations:
  out-file:/path/to/file      Write events to this file instead of stdout
  err-file:/path/to/file      Write errors and statistics to this file instead of stderr

Options:
  option:stack-addresses      Add the user stack return addresses to each event
  option:detect-syscall       Add the syscall that led to the event where supported (cap_capable, commit_creds, security_file_open)
  option:exec-env             Add the environment to execve, execveat and sched_process_exec
  option:relative-time        Show times as nanoseconds since tracee started instead of epoch nanoseconds
  option:exec-hash            Add the executed file's SHA-256 to sched_process_exec
  option:parse-arguments      Show readable names for flags, modes and ids in json and gotemplate (tables always do)
  option:eot, eot             End the stream with one last event named U+0004 (json, gotemplate) or an "End of events stream" line (tables)

Examples:
  --output json
  --output json --output option:parse-arguments --output out-file:/tmp/events.json
  --output table-verbose --output option:relative-time
  --output gotemplate=/etc/tracee/row.tmpl --output eot
  --output none --output err-file:/var/log/tracee-errors.log
`;
}
