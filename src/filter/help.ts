// The text `--trace help` prints: the expression grammar, with examples.

/** Help is asked for only when `help` is the sole `--trace` value. */
export const wantsHelp = (exprs: string[]): boolean => exprs.length === 1 && exprs[0] === "help";

export function traceHelp(): string {
  return `Select events and processes to trace with --trace expressions.
Each --trace flag holds one expression; all expressions must match (they are ANDed).
An expression is FIELD OPERATOR VALUES, where VALUES is a comma-separated list.
Operators: = (any value matches), != (no value matches), and for numbers also < > <= >=.
Several values or flags on one field combine as follows: = values are ORed; != < > values are ANDed;
mixing = with != < > on one field lets every other key through unless it is excluded.
Field names may be shortened where shown: e for event, p for pid, u for uid, s for set,
c for container, f for follow.

Event selection (without event= or set=, the "default" set is traced):
  event=NAME,...          trace these events (event:NAME is the same); NAME* selects a name prefix
  event!=NAME,...         leave out events that a set added (never ones named with event=)
  set=NAME,...            trace every event of these sets (see --list)
  EVENT.ARG=V, EVENT.retval=V   also select EVENT (see "Event arguments" below)

Process fields (checked in the kernel):
  uid    real user id, 0 to 4294967295          = != < > <= >=
  pid    host thread id, 0 to 4294967295        = != < > <= >=, or pid=new / pid!=new
  mntns  mount namespace inode number           = != < > <= >=
  pidns  pid namespace inode number             = != < > <= >=
  uts    UTS host name, at most 15 characters   = !=
  comm   command name, at most 15 characters    = != (command is the same field)
  tree   a host pid and its descendants         = !=
  container         processes in a container, including containers started before tracing
  !container        processes outside containers
  container=new     processes in containers created after tracing started
  container!=new    processes in containers that existed before tracing started
  container=ID,...  processes in these containers (a container id or its prefix)
  follow            also trace the descendants of matching processes (--follow is the same)

Event arguments (checked in user space, on raw values):
  EVENT.ARG=V,...   the argument as Go's %v prints it (numbers in decimal, arrays as [a b]);
                    V* matches a prefix, *V a suffix, *V* a substring; flags may be named: O_CREAT|O_TRUNC
  EVENT.ARG!=V,...  the argument matches none of the values
  EVENT.retval<op>N the return value, a signed 64-bit number: = != < > <= >=
  An event that lacks the argument is not filtered by it.

Examples:
  --trace pid=new                                 | only new processes
  --trace pid=510,1709                            | only pids 510 or 1709
  --trace p=510 --trace p=1709                    | the same
  --trace container=new                           | only processes in new containers
  --trace container                               | only processes in containers
  --trace c                                       | the same
  --trace '!container'                            | only processes outside containers
  --trace container=3f6ab1c2e85d                  | only this container (id or id prefix)
  --trace uid=0                                   | only uid 0
  --trace uid=1000                                | only uid 1000
  --trace mntns=4026531840                        | only this mount namespace
  --trace pidns!=4026531836                       | every pid namespace but this one
  --trace 'uid>0'                                 | uids above 0
  --trace 'uid>=1000'                             | uids from 1000 up
  --trace 'pid>0' --trace 'pid<1000'              | pids between 0 and 1000, both excluded
  --trace 'pid>=500' --trace 'pid<=600'           | pids from 500 to 600, both included
  --trace 'u>0' --trace u!=1000                   | uids above 0 except 1000
  --trace event=execve,open                       | only execve and open
  --trace event:openat                            | only openat
  --trace event=open*                             | every event whose name starts with open
  --trace event!=open*,dup*                       | the default set without open* and dup* events
  --trace set=fs                                  | every event of the fs set
  --trace s=fs --trace e!=open,openat             | the fs set without open and openat
  --trace uts!=ab356bc4dd554                      | every UTS name but this one
  --trace comm=ls                                 | only processes named ls
  --trace command=zsh --follow                    | zsh and every process it starts
  --trace comm=bash --trace follow                | bash and every process it starts
  --trace tree=476165                             | process 476165 and its descendants
  --trace tree!=5023                              | everything but process 5023 and its descendants
  --trace tree=3213,5200 --trace tree!=3215       | two subtrees, without the subtree of 3215
  --trace close.fd=5                              | close events only where fd is 5
  --trace openat.pathname=/bin/ls                 | openat events only on /bin/ls
  --trace openat.pathname=/tmp*                   | openat events on paths starting with /tmp
  --trace 'openat.pathname=*.so'                  | openat events on paths ending in .so
  --trace openat.pathname!=/tmp/1,/bin/ls         | openat events on any path but these two
  --trace openat.flags=O_CREAT                    | openat events whose flags include O_CREAT
  --trace 'openat.retval<0'                       | failed openat events only

Note: quote expressions that hold shell metacharacters (> < ! * |) in single quotes,
as in --trace 'uid>0' or --trace '!container'.
`;
}
