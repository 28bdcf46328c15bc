import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from './errors';

/**
 * The folders the user has chosen (native dialog, CLI flag). The user interface may only name
 * paths inside them: a renderer, even a compromised one, cannot make the engine read or move
 * anything else. Symlinks are resolved first, so a link inside a chosen folder that points
 * outside it is refused too.
 */
export class PathPolicy {
  private readonly roots = new Set<string>();

  /** Called only from trusted code (Electron main after a dialog, CLI arguments), never from the API. */
  grant(root: string): string {
    const real = realpathOrThrow(path.resolve(root));
    if (!fs.statSync(real).isDirectory()) throw new ApiError('bad_request', `Not a folder: ${root}`);
    this.roots.add(real);
    return real;
  }

  private insideRoot(real: string): boolean {
    for (const root of this.roots) {
      if (real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return true;
    }
    return false;
  }

  list(): string[] {
    return [...this.roots].sort();
  }

  /**
   * Whether a path the store remembers (a scan's root, a corpus folder, a moved file) lies inside
   * a granted root. Such a path may no longer exist, so its nearest existing ancestor is resolved.
   */
  contains(p: string): boolean {
    if (!path.isAbsolute(p)) return false;
    return this.insideRoot(realpathOfNearestAncestor(path.resolve(p)));
  }

  /** Resolves `p` and returns its real path if it lies inside a granted root; throws otherwise. */
  resolveAllowed(p: string): string {
    if (!path.isAbsolute(p)) {
      throw new ApiError('forbidden_path', `Path must be absolute: ${p}`, { key: 'path-relative', params: { path: p } });
    }
    const real = realpathOrThrow(path.resolve(p));
    if (this.insideRoot(real)) return real;
    throw new ApiError(
      'forbidden_path',
      `The path ${p} is outside the folders you have chosen. Choose it with "Add folder" first` +
        (this.roots.size ? ` (allowed: ${this.list().join(', ')}).` : ' (no folder has been chosen yet).'),
      { key: 'path-outside', params: { path: p } },
    );
  }
}

function realpathOfNearestAncestor(p: string): string {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function realpathOrThrow(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiError('not_found', `No such file or folder: ${p}`, { key: 'path-missing', params: { path: p } });
    if (code === 'EACCES' || code === 'EPERM') throw new ApiError('forbidden_path', `Permission denied: ${p}`);
    throw new ApiError('bad_request', `Cannot resolve path ${p}: ${(err as Error).message}`);
  }
}
