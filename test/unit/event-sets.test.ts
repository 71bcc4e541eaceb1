// The schema's sets against the reference (§2.1, §2.2): the v0.6.5 default set exactly, every v0.5.0 set member,
// and the v0.6 additions of the security events; nothing in a set that the reference does not put there.
import { describe, expect, test } from "bun:test";
import { EVENTS, EVENT_BY_NAME, allSets } from "../../src/events/schema.ts";

/** Reference §2.2, v0.5.0 membership (syscalls and the few other events it lists). */
const V050: Record<string, string> = {
  fs: "read, write, open, close, stat, fstat, lstat, poll, lseek, ioctl, pread64, pwrite64, readv, writev, access, select, msync, dup, dup2, sendfile, fcntl, flock, fsync, fdatasync, truncate, ftruncate, getdents, getcwd, chdir, fchdir, rename, mkdir, rmdir, creat, link, unlink, symlink, readlink, chmod, fchmod, chown, fchown, lchown, umask, utime, mknod, ustat, statfs, fstatfs, sysfs, pivot_root, chroot, sync, mount, umount, swapon, swapoff, nfsservctl, readahead, setxattr, lsetxattr, fsetxattr, getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, removexattr, lremovexattr, fremovexattr, io_setup, io_destroy, io_getevents, io_submit, io_cancel, lookup_dcookie, epoll_create, epoll_ctl_old, epoll_wait_old, getdents64, fadvise64, epoll_wait, epoll_ctl, utimes, inotify_init, inotify_add_watch, inotify_rm_watch, openat, mkdirat, mknodat, fchownat, futimesat, newfstatat, unlinkat, renameat, linkat, symlinkat, readlinkat, fchmodat, faccessat, pselect6, ppoll, sync_file_range, utimensat, epoll_pwait, fallocate, epoll_create1, dup3, inotify_init1, preadv, pwritev, fanotify_init, fanotify_mark, name_to_handle_at, open_by_handle_at, syncfs, renameat2, getrandom, memfd_create, copy_file_range, preadv2, pwritev2, statx, io_pgetevents, move_mount, fsopen, fsconfig, fsmount, fspick, close_range, openat2, faccessat2, epoll_pwait2",
  fs_async_io: "io_setup, io_destroy, io_getevents, io_submit, io_cancel, io_pgetevents",
  fs_dir_ops: "getdents, getcwd, chdir, fchdir, mkdir, rmdir, chroot, lookup_dcookie, getdents64, mkdirat",
  fs_fd_ops: "ioctl, dup, dup2, fcntl, flock, dup3",
  fs_file_attr: "stat, fstat, lstat, access, chmod, fchmod, chown, fchown, lchown, umask, utime, setxattr, lsetxattr, fsetxattr, getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, removexattr, lremovexattr, fremovexattr, utimes, fchownat, futimesat, newfstatat, fchmodat, faccessat, utimensat, statx, faccessat2",
  fs_file_ops: "open, close, truncate, ftruncate, rename, creat, mknod, openat, mknodat, renameat, fallocate, name_to_handle_at, open_by_handle_at, renameat2, memfd_create, close_range, openat2",
  fs_info: "ustat, statfs, fstatfs, sysfs",
  fs_link_ops: "link, unlink, symlink, readlink, unlinkat, linkat, symlinkat, readlinkat",
  fs_monitor: "inotify_init, inotify_add_watch, inotify_rm_watch, inotify_init1, fanotify_init, fanotify_mark",
  fs_mux_io: "poll, select, epoll_create, epoll_ctl_old, epoll_wait_old, epoll_wait, epoll_ctl, pselect6, ppoll, epoll_pwait, epoll_create1, epoll_pwait2",
  fs_read_write: "read, write, lseek, pread64, pwrite64, readv, writev, sendfile, preadv, pwritev, copy_file_range, preadv2, pwritev2",
  fs_sync: "msync, fsync, fdatasync, sync, sync_file_range, syncfs",
  ipc: "pipe, shmget, shmat, shmctl, semget, semop, semctl, shmdt, msgget, msgsnd, msgrcv, msgctl, futex, semtimedop, mq_open, mq_unlink, mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr, set_robust_list, get_robust_list, splice, tee, vmsplice, pipe2",
  ipc_futex: "futex, set_robust_list, get_robust_list",
  ipc_msgq: "msgget, msgsnd, msgrcv, msgctl, mq_open, mq_unlink, mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr",
  ipc_pipe: "pipe, splice, tee, vmsplice, pipe2",
  ipc_sem: "semget, semop, semctl, semtimedop",
  ipc_shm: "shmget, shmat, shmctl, shmdt",
  net: "socket, connect, accept, sendto, recvfrom, sendmsg, recvmsg, shutdown, bind, listen, getsockname, getpeername, socketpair, setsockopt, getsockopt, sethostname, setdomainname, accept4, recvmmsg, sendmmsg",
  net_snd_rcv: "sendto, recvfrom, sendmsg, recvmsg, recvmmsg, sendmmsg",
  net_sock: "socket, connect, accept, shutdown, bind, listen, getsockname, getpeername, socketpair, setsockopt, getsockopt, accept4",
  proc: "mmap, mprotect, munmap, brk, sched_yield, mremap, mincore, madvise, getpid, clone, fork, vfork, execve, exit, wait4, getrlimit, getrusage, times, ptrace, getuid, getgid, setuid, setgid, geteuid, getegid, setpgid, getppid, getpgrp, setsid, setreuid, setregid, getgroups, setgroups, setresuid, getresuid, setresgid, getresgid, getpgid, setfsuid, setfsgid, getsid, capget, capset, uselib, getpriority, setpriority, sched_setparam, sched_getparam, sched_setscheduler, sched_getscheduler, sched_get_priority_max, sched_get_priority_min, sched_rr_get_interval, mlock, munlock, mlockall, munlockall, modify_ldt, prctl, arch_prctl, setrlimit, gettid, sched_setaffinity, sched_getaffinity, set_thread_area, get_thread_area, set_tid_address, exit_group, waitid, ioprio_set, ioprio_get, unshare, prlimit64, setns, process_vm_readv, process_vm_writev, kcmp, sched_setattr, sched_getattr, seccomp, execveat, membarrier, mlock2, pkey_mprotect, pkey_alloc, pkey_free, clone3, do_exit, sched_process_exit",
  proc_ids: "getpid, getuid, getgid, setuid, setgid, geteuid, getegid, setpgid, getppid, getpgrp, setsid, setreuid, setregid, getgroups, setgroups, setresuid, getresuid, setresgid, getresgid, getpgid, setfsuid, setfsgid, getsid, gettid",
  proc_life: "clone, fork, vfork, execve, exit, wait4, exit_group, waitid, execveat, clone3, do_exit, sched_process_exit",
  proc_mem: "mmap, mprotect, munmap, brk, mremap, mincore, madvise, mlock, munlock, mlockall, munlockall, modify_ldt, membarrier, mlock2, pkey_mprotect, pkey_alloc, pkey_free",
  proc_sched: "sched_yield, getpriority, setpriority, sched_setparam, sched_getparam, sched_setscheduler, sched_getscheduler, sched_get_priority_max, sched_get_priority_min, sched_rr_get_interval, sched_setaffinity, sched_getaffinity, ioprio_set, ioprio_get, sched_setattr, sched_getattr",
  signals: "rt_sigaction, rt_sigprocmask, rt_sigreturn, pause, kill, rt_sigpending, rt_sigtimedwait, rt_sigqueueinfo, rt_sigsuspend, sigaltstack, tkill, restart_syscall, tgkill, signalfd, eventfd, signalfd4, eventfd2, rt_tgsigqueueinfo, pidfd_send_signal",
  system: "uname, sysinfo, syslog, personality, vhangup, sysctl, acct, reboot, iopl, ioperm, create_module, init_module, delete_module, get_kernel_syms, query_module, quotactl, mbind, set_mempolicy, get_mempolicy, kexec_load, add_key, request_key, keyctl, migrate_pages, move_pages, perf_event_open, getcpu, finit_module, kexec_file_load, bpf, userfaultfd",
  system_keys: "add_key, request_key, keyctl",
  system_module: "create_module, init_module, delete_module, get_kernel_syms, query_module, finit_module",
  system_numa: "mbind, set_mempolicy, get_mempolicy, migrate_pages, move_pages, getcpu",
  time: "nanosleep, getitimer, alarm, setitimer, gettimeofday, adjtimex, settimeofday, time, timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete, clock_settime, clock_gettime, clock_getres, clock_nanosleep, timerfd_create, timerfd_settime, timerfd_gettime, clock_adjtime",
  time_clock: "adjtimex, clock_settime, clock_gettime, clock_getres, clock_nanosleep, clock_adjtime",
  time_timer: "nanosleep, getitimer, alarm, setitimer, timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete, timerfd_create, timerfd_settime, timerfd_gettime",
  time_tod: "gettimeofday, settimeofday, time",
};

/** v0.6.x additions (reference §2.2, last paragraph). */
const V06_ADDED: Record<string, string[]> = {
  fs: ["security_file_open", "security_inode_unlink", "security_sb_mount"],
  fs_file_ops: ["security_file_open", "security_inode_unlink"],
  net: ["security_socket_create", "security_socket_listen", "security_socket_connect", "security_socket_accept", "security_socket_bind"],
  net_sock: ["security_socket_create", "security_socket_listen", "security_socket_connect", "security_socket_accept", "security_socket_bind"],
  proc: ["security_bprm_check", "sched_process_exec"],
  proc_life: ["security_bprm_check"],
};

const DEFAULT_V065 = `open close stat fstat lstat access dup dup2 socket connect accept bind listen getsockname clone fork vfork execve
  kill getdents creat unlink symlink chmod fchmod chown fchown lchown ptrace setuid setgid setreuid setregid setfsuid setfsgid mknod
  prctl mount umount init_module delete_module getdents64 openat mknodat fchownat unlinkat symlinkat fchmodat faccessat accept4
  dup3 process_vm_readv process_vm_writev finit_module memfd_create bpf execveat pkey_mprotect move_mount clone3 close_range
  openat2 faccessat2 sched_process_exec sched_process_exit cap_capable security_bprm_check security_file_open
  security_inode_unlink security_socket_create security_socket_listen security_socket_connect security_socket_accept
  security_socket_bind security_sb_mount`.split(/\s+/);

const members = (set: string) => EVENTS.filter((e) => e.sets.includes(set)).map((e) => e.name);
const list = (s: string) => s.split(",").map((x) => x.trim());
// syscalls the kernel gained after the reference's table (id > 441): the schema gives them sets of their own
const newer = (name: string) => (EVENT_BY_NAME.get(name)?.id ?? 0) > 441 && (EVENT_BY_NAME.get(name)?.id ?? 0) < 1000;

describe("event sets", () => {
  test("default is the v0.6.5 list of 75 events", () => {
    expect(members("default").sort()).toEqual([...DEFAULT_V065].sort());
    expect(DEFAULT_V065).toHaveLength(75);
  });

  test("every set of the reference exists, with all its v0.5.0 members", () => {
    for (const [set, names] of Object.entries(V050)) {
      expect(allSets()).toContain(set);
      const missing = list(names).filter((n) => !EVENT_BY_NAME.get(n)?.sets.includes(set));
      expect({ set, missing }).toEqual({ set, missing: [] });
    }
  });

  test("no set holds an event the reference does not put there (newer syscalls aside)", () => {
    for (const [set, names] of Object.entries(V050)) {
      const allowed = new Set([...list(names), ...(V06_ADDED[set] ?? [])]);
      const extra = members(set).filter((n) => !allowed.has(n) && !newer(n));
      expect({ set, extra }).toEqual({ set, extra: [] });
    }
  });

  test("lsm_hooks holds every security_* event and nothing else", () => {
    const security = EVENTS.filter((e) => e.name.startsWith("security_")).map((e) => e.name).sort();
    expect(members("lsm_hooks").sort()).toEqual(security);
  });

  test("every syscall is in syscalls; events without sets can only be chosen by name", () => {
    expect(members("syscalls").sort()).toEqual(EVENTS.filter((e) => e.id < 1000).map((e) => e.name).sort());
    for (const n of ["vfs_write", "mem_prot_alert", "commit_creds", "switch_task_ns", "sys_enter", "sys_exit", "magic_write", "socket_dup"]) {
      expect(EVENT_BY_NAME.get(n)!.sets).toEqual([]);
    }
  });
});
