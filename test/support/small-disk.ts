/**
 * A real, tiny filesystem (tmpfs) for "the disk is full" tests: writes past its size fail with
 * ENOSPC from the kernel, not from a mock. Needs root (CI and the dev machines run as root).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  readonly path: string;
  unmount(): Promise<void>;
}

export const canMountSmallDisk = process.getuid?.() === 0;

export async function mountSmallDisk(sizeKiB: number): Promise<SmallDisk> {
  const path = await mkdtemp(join(tmpdir(), 'vigil-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', path]);
  return {
    path,
    async unmount() {
      execFileSync('umount', [path]);
      await rm(path, { recursive: true, force: true });
    },
  };
}
