/* The object's ABI stamp: a hash of the sources it was compiled from (build/bpf.ts and `tracee --build-bpf`
 * pass it in), so that tracee refuses an object built from other sources instead of misreading its events. */
#pragma once

#ifndef TRACEE_BPF_ABI
#define TRACEE_BPF_ABI "unstamped"
#endif

/* Not a map section: libbpf skips it; only tracee's own ELF reader (src/bpf-object/stamp.ts) looks at it. */
char tracee_abi_stamp[] SEC(".tracee.abi") = "tracee-abi:" TRACEE_BPF_ABI;
