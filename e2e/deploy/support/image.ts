/**
 * The gatehouse image built from the Dockerfile with buildah, and run the way a kubelet would run it
 * under the chart: by runc, from the image's own entrypoint, working directory and user, on a
 * read-only root filesystem with only /tmp writable, no capabilities, no new privileges. The
 * container shares the host's network namespace, so it is reached on loopback.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnLogged } from '../../support/child-process.ts';
import type { LoggedChild } from '../../support/child-process.ts';
import { killAtExit, removeAtExit } from '../../support/exit-cleanup.ts';
import { REPO_ROOT } from './helm.ts';

const execFileAsync = promisify(execFile);
const STORE = join(REPO_ROOT, '.tools', 'buildah');
const BUILDAH = ['--root', join(STORE, 'storage'), '--runroot', join(STORE, 'run'), '--storage-driver', 'vfs'];

/** The image's run configuration (OCI image config). */
export interface ImageConfig {
  readonly User?: string;
  readonly WorkingDir?: string;
  readonly Entrypoint?: string[];
  readonly Cmd?: string[];
  readonly Env?: string[];
  readonly StopSignal?: string;
}

async function buildah(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('buildah', [...BUILDAH, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Builds the Dockerfile into `tag` (scripts/build-image.sh: local base, vfs, chroot isolation). */
export async function buildImage(tag: string): Promise<void> {
  await execFileAsync(join(REPO_ROOT, 'scripts', 'build-image.sh'), [tag], { maxBuffer: 16 * 1024 * 1024 });
}

/** The image's run configuration. */
export async function inspectImage(tag: string): Promise<ImageConfig> {
  const inspected = JSON.parse(await buildah('inspect', '--type', 'image', tag)) as { OCIv1: { config: ImageConfig } };
  return inspected.OCIv1.config;
}

/** A working container of the image, with its root filesystem mounted on the host. */
export interface MountedImage {
  readonly rootfs: string;
  remove(): Promise<void>;
}

/** Creates a container from `tag` and mounts it; `remove` unmounts and deletes that container only. */
export async function mountImage(tag: string): Promise<MountedImage> {
  const name = `gatehouse-image-test-${process.pid}-${Date.now()}`;
  await buildah('from', '--pull-never', '--name', name, tag);
  const rootfs = await buildah('mount', name);
  return {
    rootfs,
    remove: async () => {
      await buildah('umount', name).catch(() => undefined);
      await buildah('rm', name).catch(() => undefined);
    },
  };
}

/** The parts of runc's default spec this module changes. */
interface OciSpec {
  root: object;
  process: object;
  linux: { namespaces: { type: string }[]; resources?: Record<string, unknown> };
  mounts: object[];
}

/** A running container. */
export interface RunningContainer {
  readonly process: LoggedChild;
  /** Sends `signal` to runc, which forwards it to the container's PID 1, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The host PID of the container's first process (from `runc state`). */
  pid(): Promise<number>;
}

/** Resource limits, as the chart's `resources.limits` sets them for the kubelet. */
export interface ContainerLimits {
  /** The memory cgroup's limit; swap is not allowed beyond it, as on a Kubernetes node. */
  readonly memoryBytes?: number;
}

/** Runs the image's entrypoint (plus `args`) in `rootfs` with runc, with `env` added to the image's. */
export async function runContainer(rootfs: string, config: ImageConfig, env: Record<string, string>, args: string[] = [], limits: ContainerLimits = {}): Promise<RunningContainer> {
  const bundle = mkdtempSync(join(tmpdir(), 'gatehouse-oci-'));
  removeAtExit(bundle);
  await execFileAsync('runc', ['spec', '--bundle', bundle]);
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as OciSpec;
  const [uid, gid] = (config.User ?? '0:0').split(':').map(Number);
  spec.root = { path: rootfs, readonly: true };
  spec.process = {
    ...spec.process,
    terminal: false,
    args: [...(config.Entrypoint ?? []), ...args],
    cwd: config.WorkingDir || '/',
    user: { uid, gid: gid ?? uid },
    env: [...(config.Env ?? []), ...Object.entries(env).map(([k, v]) => `${k}=${v}`)],
    // What the chart's securityContext asks for: no capabilities at all, no privilege escalation.
    capabilities: { bounding: [], effective: [], permitted: [], ambient: [] },
    noNewPrivileges: true,
  };
  // No network namespace: the test reaches the container, and it the test IdP, on loopback.
  spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'network');
  spec.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=16m'] });
  if (limits.memoryBytes !== undefined) {
    spec.linux.resources = { ...spec.linux.resources, memory: { limit: limits.memoryBytes, swap: limits.memoryBytes } };
  }
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  const id = `gatehouse-test-${process.pid}-${Date.now()}`;
  const child = spawnLogged('runc', ['--root', join(bundle, 'state'), 'run', '--bundle', bundle, id]);
  killAtExit(child);
  return {
    process: child,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      await child.stop(signal, 30_000);
      await execFileAsync('runc', ['--root', join(bundle, 'state'), 'delete', '--force', id]).catch(() => undefined);
    },
    pid: async () => {
      const { stdout } = await execFileAsync('runc', ['--root', join(bundle, 'state'), 'state', id]);
      return (JSON.parse(stdout) as { pid: number }).pid;
    },
  };
}
