// Renders bit-flag arguments (open, mmap, clone, socket type, access and file modes) as `A|B|C` names.

type Bits = readonly (readonly [number, string])[];

const TWO32 = 2 ** 32;

/** Names of the set bits in table order; bits no entry covers are appended as one hex value. */
function join(v: number, bits: Bits, names: string[] = []): string[] {
  if (v < 0) v = v >>> 0;
  const hi = Math.floor(v / TWO32);
  let lo = v >>> 0;
  for (const [bit, name] of bits) {
    if ((lo & bit) >>> 0 === bit) {
      names.push(name);
      lo = (lo & ~bit) >>> 0;
    }
  }
  if (hi || lo) names.push("0x" + (hi * TWO32 + lo).toString(16));
  return names;
}

/** Signed 32-bit arguments (int flags) are read as their unsigned bit pattern. */
const u = (v: number) => (v < 0 ? v >>> 0 : v);

const OPEN_FLAGS: Bits = [
  [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"],
  [0o4000, "O_NONBLOCK"], [0o4010000, "O_SYNC"], [0o10000, "O_DSYNC"], [0o20000, "O_ASYNC"], [0o100000, "O_LARGEFILE"],
  [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"], [0o2000000, "O_CLOEXEC"], [0o40000, "O_DIRECT"],
  [0o1000000, "O_NOATIME"], [0o10000000, "O_PATH"], [0o20000000, "O_TMPFILE"],
];

export function openFlags(raw: number): string {
  const v = u(raw);
  const acc = v & 3;
  const mode = acc & 1 ? "O_WRONLY" : acc & 2 ? "O_RDWR" : "O_RDONLY";
  return join(v - acc, OPEN_FLAGS, [mode]).join("|");
}

export function protFlags(raw: number): string {
  const v = u(raw);
  if (v === 0) return "PROT_NONE";
  return join(v, [[1, "PROT_READ"], [2, "PROT_WRITE"], [4, "PROT_EXEC"], [8, "PROT_SEM"],
    [0x01000000, "PROT_GROWSDOWN"], [0x02000000, "PROT_GROWSUP"]]).join("|");
}

const MAP_FLAGS: Bits = [
  [0x10, "MAP_FIXED"], [0x20, "MAP_ANONYMOUS"], [0x40, "MAP_32BIT"], [0x100, "MAP_GROWSDOWN"], [0x800, "MAP_DENYWRITE"],
  [0x1000, "MAP_EXECUTABLE"], [0x2000, "MAP_LOCKED"], [0x4000, "MAP_NORESERVE"], [0x8000, "MAP_POPULATE"],
  [0x10000, "MAP_NONBLOCK"], [0x20000, "MAP_STACK"], [0x40000, "MAP_HUGETLB"], [0x80000, "MAP_SYNC"],
  [0x100000, "MAP_FIXED_NOREPLACE"], [0x4000000, "MAP_UNINITIALIZED"],
];
const MAP_HUGETLB = 0x40000;
const HUGE_SHIFT = 26;

function hugeSize(log2: number): string {
  if (log2 >= 30) return `${2 ** (log2 - 30)}GB`;
  if (log2 >= 20) return `${2 ** (log2 - 20)}MB`;
  return `${2 ** (log2 - 10)}KB`;
}

export function mmapFlags(raw: number): string {
  let v = u(raw);
  const names: string[] = [];
  const type = v & 3;
  if (type) names.push(["", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"][type]);
  v -= type;
  // With MAP_HUGETLB, bits 26-31 hold log2 of the huge page size instead of flags.
  const huge = v & MAP_HUGETLB ? (v >>> HUGE_SHIFT) & 0x3f : 0;
  if (huge) v = (v & ~(0x3f << HUGE_SHIFT)) >>> 0;
  join(v, MAP_FLAGS, names);
  if (huge) names.push(`MAP_HUGE_${hugeSize(huge)}`);
  return names.length ? names.join("|") : "0";
}

const CLONE_FLAGS: Bits = [
  [0x100, "CLONE_VM"], [0x200, "CLONE_FS"], [0x400, "CLONE_FILES"], [0x800, "CLONE_SIGHAND"], [0x1000, "CLONE_PIDFD"],
  [0x2000, "CLONE_PTRACE"], [0x4000, "CLONE_VFORK"], [0x8000, "CLONE_PARENT"], [0x10000, "CLONE_THREAD"],
  [0x20000, "CLONE_NEWNS"], [0x40000, "CLONE_SYSVSEM"], [0x80000, "CLONE_SETTLS"], [0x100000, "CLONE_PARENT_SETTID"],
  [0x200000, "CLONE_CHILD_CLEARTID"], [0x400000, "CLONE_DETACHED"], [0x800000, "CLONE_UNTRACED"],
  [0x1000000, "CLONE_CHILD_SETTID"], [0x2000000, "CLONE_NEWCGROUP"], [0x4000000, "CLONE_NEWUTS"],
  [0x8000000, "CLONE_NEWIPC"], [0x10000000, "CLONE_NEWUSER"], [0x20000000, "CLONE_NEWPID"], [0x40000000, "CLONE_NEWNET"],
  [0x80000000, "CLONE_IO"],
];

/** clone(2) flags; the low byte is the exit signal and the kernel reads only the low 32 bits. */
export function cloneFlags(raw: number): string {
  const v = (u(raw) >>> 0) & ~0xff;
  return v ? join(v >>> 0, CLONE_FLAGS).join("|") : "0";
}

/** unshare(2)/setns(2) namespace flags, where 0x80 is CLONE_NEWTIME rather than a signal. */
export function namespaceFlags(raw: number): string {
  const v = u(raw);
  return v ? join(v, [[0x80, "CLONE_NEWTIME"], ...CLONE_FLAGS]).join("|") : "0";
}

const SOCK_TYPES: Record<number, string> = {
  1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM", 5: "SOCK_SEQPACKET", 6: "SOCK_DCCP", 10: "SOCK_PACKET",
};

export function socketType(raw: number): string {
  const v = u(raw);
  const base = SOCK_TYPES[v & 0xf];
  if (!base) return String(raw);
  return join(v & ~0xf, [[0o4000, "SOCK_NONBLOCK"], [0o2000000, "SOCK_CLOEXEC"]], [base]).join("|");
}

export function accessMode(raw: number): string {
  const v = u(raw);
  return v === 0 ? "F_OK" : join(v, [[4, "R_OK"], [2, "W_OK"], [1, "X_OK"]]).join("|");
}

/** execveat(2) flags; the kernel values (AT_SYMLINK_NOFOLLOW 0x100, AT_EMPTY_PATH 0x1000). */
export function execveatFlags(raw: number): string {
  const v = u(raw);
  return v === 0 ? "0" : join(v, [[0x1000, "AT_EMPTY_PATH"], [0x100, "AT_SYMLINK_NOFOLLOW"]]).join("|");
}

const FILE_TYPES: Record<number, string> = {
  0o140000: "S_IFSOCK", 0o120000: "S_IFLNK", 0o100000: "S_IFREG", 0o060000: "S_IFBLK", 0o040000: "S_IFDIR",
  0o020000: "S_IFCHR", 0o010000: "S_IFIFO",
};

const PERM_CLASSES: [number, string, string, string, string][] = [
  [0o700, "S_IRWXU", "S_IRUSR", "S_IWUSR", "S_IXUSR"],
  [0o070, "S_IRWXG", "S_IRGRP", "S_IWGRP", "S_IXGRP"],
  [0o007, "S_IRWXO", "S_IROTH", "S_IWOTH", "S_IXOTH"],
];

/** File type, set-id/sticky bits, then per class `S_IRWXU` or its single bits (mknod, chmod, stdin_type ...). */
export function fileMode(raw: number): string {
  const v = u(raw);
  const names: string[] = [];
  const type = v & 0o170000;
  let rest = v - type;
  if (type) {
    const name = FILE_TYPES[type];
    if (name) names.push(name); else rest += type;
  }
  for (const [bit, name] of [[0o4000, "S_ISUID"], [0o2000, "S_ISGID"], [0o1000, "S_ISVTX"]] as const) {
    if (rest & bit) { names.push(name); rest -= bit; }
  }
  for (const [all, rwx, r, w, x] of PERM_CLASSES) {
    const bits = rest & all;
    const unit = all / 7;
    if (bits === all) names.push(rwx);
    else {
      if (bits & (unit * 4)) names.push(r);
      if (bits & (unit * 2)) names.push(w);
      if (bits & unit) names.push(x);
    }
    rest -= bits;
  }
  if (rest) names.push("0x" + rest.toString(16));
  return names.length ? names.join("|") : "0";
}
