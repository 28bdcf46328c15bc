/**
 * Kernel views such as /proc and /sys look like folders but are not places to keep files:
 * creating a folder there fails in odd ways (Node's recursive mkdir spins at 100% CPU under
 * /proc), and reading them can return endless or changing data. The quarantine folder and the
 * data folder are refused there, with the file system named.
 *
 * The file system of a path is that of its nearest existing ancestor: on Linux its type comes
 * from /proc/self/mountinfo (the mount with the longest matching mount point), with statfs
 * magic numbers as a second opinion; elsewhere only the well-known prefixes are checked.
 */
import fs from 'node:fs';
import path from 'node:path';

/** File system types that are kernel interfaces, never storage (names as in /proc/self/mountinfo). */
const SPECIAL_TYPES = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'debugfs',
  'tracefs',
  'securityfs',
  'pstore',
  'bpf',
  'mqueue',
  'configfs',
  'fusectl',
  'binfmt_misc',
  'efivarfs',
  'selinuxfs',
  'hugetlbfs',
  'nsfs',
  'rpc_pipefs',
  'nfsd',
  'autofs',
  'devfs',
]);

/** statfs f_type values of the same kinds (linux/magic.h). devtmpfs shares tmpfs's number, so it is found by name. */
const SPECIAL_MAGIC = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x19800202, 'mqueue'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x958458f6, 'hugetlbfs'],
  [0x6e736673, 'nsfs'],
]);

/** Always kernel views, whatever is mounted below them (e.g. a tmpfs at /sys/fs/cgroup). */
const ALWAYS_SPECIAL = ['/proc', '/sys'];
/** Prefixes refused where the mount table cannot be read. */
const SPECIAL_PREFIXES = [...ALWAYS_SPECIAL, '/dev'];
const PREFIX_TYPES: Record<string, string> = { '/proc': 'proc', '/sys': 'sysfs', '/dev': 'devtmpfs' };
/** Ordinary storage under /dev (shared memory is tmpfs). */
const ORDINARY_UNDER_DEV = ['/dev/shm'];

/** A folder cannot be used because it is on a kernel file system. */
export class SpecialFileSystemError extends Error {
  constructor(
    readonly folder: string,
    readonly fsType: string,
    what: string,
  ) {
    super(`The ${what} ${folder} is on a special file system (${fsType}), a view of the kernel where files cannot be kept; choose a folder on a disk.`);
    this.name = 'SpecialFileSystemError';
  }
}

/** The special file system type `p` (or where it would be created) is on, or null for ordinary storage. */
export function specialFileSystemOf(p: string): string | null {
  const abs = path.resolve(p);
  const existing = nearestExisting(abs);
  let real = existing;
  try {
    real = fs.realpathSync(existing);
  } catch {
    // keep the unresolved path
  }
  const mounts = readMountTable();
  if (mounts) {
    const type = mountTypeOf(real, mounts);
    if (type && SPECIAL_TYPES.has(type)) return type;
  }
  try {
    const magic = SPECIAL_MAGIC.get(Number(fs.statfsSync(real).type));
    if (magic) return magic;
  } catch {
    // statfs is missing on some platforms; the other checks stand
  }
  const prefixes = mounts ? ALWAYS_SPECIAL : SPECIAL_PREFIXES;
  if (process.platform !== 'win32') {
    for (const candidate of [abs, real]) {
      const prefix = prefixes.find((d) => isUnder(candidate, d));
      if (prefix && !ORDINARY_UNDER_DEV.some((d) => isUnder(candidate, d))) return PREFIX_TYPES[prefix]!;
    }
  }
  return null;
}

/** Throws SpecialFileSystemError when `folder` is on a kernel file system. `what` names it in the message ("quarantine folder"). */
export function assertOrdinaryFileSystem(folder: string, what: string): void {
  const type = specialFileSystemOf(folder);
  if (type) throw new SpecialFileSystemError(path.resolve(folder), type, what);
}

function nearestExisting(abs: string): string {
  let p = abs;
  for (;;) {
    try {
      fs.lstatSync(p);
      return p;
    } catch {
      const parent = path.dirname(p);
      if (parent === p) return p;
      p = parent;
    }
  }
}

interface Mount {
  mountPoint: string;
  type: string;
}

function readMountTable(): Mount[] | null {
  if (process.platform !== 'linux') return null;
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return null;
  }
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    // id parent major:minor root mount-point options [optional fields] - type source super-options
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 5 || dash < 0 || dash + 1 >= fields.length) continue;
    mounts.push({ mountPoint: unescapeMountField(fields[4]!), type: fields[dash + 1]! });
  }
  return mounts.length ? mounts : null;
}

/** The type of the last-mounted file system whose mount point is the longest prefix of `p`. */
function mountTypeOf(p: string, mounts: readonly Mount[]): string | null {
  let best: Mount | null = null;
  for (const m of mounts) {
    if (!isUnder(p, m.mountPoint)) continue;
    if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  return best?.type ?? null;
}

/** mountinfo writes space, tab, newline and backslash as octal escapes (\040). */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function isUnder(p: string, dir: string): boolean {
  if (dir === '/') return true;
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}
