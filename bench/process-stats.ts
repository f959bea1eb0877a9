import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory and CPU time of one process, read from /proc (Linux only; no dependency needed). */
export interface ProcessSample {
  /** Resident set size now, bytes (`VmRSS`). */
  rssBytes: number;
  /** The most it has ever been resident, bytes (`VmHWM`). */
  peakRssBytes: number;
  /** User plus system CPU time of every thread since the process started, milliseconds. */
  cpuMs: number;
}

let ticksPerSecond: number | undefined;

/** `CLK_TCK`, the unit of /proc/<pid>/stat's CPU times (100 on every common Linux; asked once). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * Processes sampled with their children: PostgreSQL is a postmaster plus a backend per connection and its
 * background workers, and its cost is all of them. Registered by the stack that knows the postmaster's pid.
 */
const trees = new Set<number>();

/** From now on, `sampleProcess(pid)` sums `pid` and its children (see `trees`). */
export function sampleAsTree(pid: number): void {
  trees.add(pid);
}

/** Memory and CPU time of `pid` now (with its children when registered as a tree); throws when it is gone. */
export function sampleProcess(pid: number): ProcessSample {
  if (!trees.has(pid)) return sampleOne(pid);
  // The CPU of children that ended and were reaped is in the parent's cutime/cstime, so the sum over the
  // parent (with those) and its living children only grows: a backend closing between two samples loses
  // nothing. Memory is proportional (Pss): shared buffers counted once, not once per backend.
  const own = sampleOne(pid, true);
  let cpuMs = own.cpuMs;
  let pssBytes = pssOf(pid);
  for (const child of childrenOf(pid)) {
    try {
      cpuMs += sampleOne(child).cpuMs;
      pssBytes += pssOf(child);
    } catch {
      // It ended while we looked: the parent's reaped time holds it from the next sample on.
    }
  }
  return { rssBytes: pssBytes, peakRssBytes: pssBytes, cpuMs };
}

function sampleOne(pid: number, withReaped = false): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of the whole line, so 11 and 12 after the name (0-based); the
  // reaped children's cutime and cstime follow them.
  const ticks =
    Number(fields[11]) + Number(fields[12]) + (withReaped ? Number(fields[13]) + Number(fields[14]) : 0);
  return {
    rssBytes: kb('VmRSS') * 1024,
    peakRssBytes: kb('VmHWM') * 1024,
    cpuMs: (ticks * 1000) / clockTicks(),
  };
}

/** /proc/<pid>/stat's fields after the command name (field 2 may hold spaces and parentheses). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Proportional set size, bytes (0 when unreadable). */
function pssOf(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The living children of `parent`. */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) === parent) children.push(Number(entry));
    } catch {
      // It ended while we looked.
    }
  }
  return children;
}

/** CPU used by `pids` over `ms` of wall time, as a percentage of one core, each process on its own. */
export async function cpuPercentOver(
  pids: Record<string, number>,
  ms: number,
): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, sampleProcess(pid)]));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsed = performance.now() - started;
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      const used = sampleProcess(pid).cpuMs - (before[name]?.cpuMs ?? 0);
      return [name, round((used / elapsed) * 100, 2)];
    }),
  );
}

/**
 * Tracks the highest resident memory of each process while something runs, sampling every `everyMs`
 * (VmHWM would do for a single figure, but it never goes down, so it cannot tell one phase from the next).
 */
export function watchPeakRss(
  pids: Record<string, number>,
  everyMs = 250,
): { stop(): Record<string, number> } {
  const peaks: Record<string, number> = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      try {
        peaks[name] = Math.max(peaks[name] ?? 0, sampleProcess(pid).rssBytes);
      } catch {
        // Gone: its last sample stands.
      }
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

/**
 * The pid of a child of this process whose command line holds every one of `parts` (the dev server, which
 * `startDevServer` runs without telling its pid). Null when there is none.
 */
export function findChildPid(parts: string[]): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) !== process.pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((part) => args.includes(part))) return Number(entry);
    } catch {
      // It ended while we looked.
    }
  }
  return null;
}

/**
 * CPU time the whole machine spent busy (every core, every process: /proc/stat's first line less idle and
 * iowait), ms. Set against the bench's own processes, it shows the load from outside the bench.
 */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return ((total - idle) * 1000) / clockTicks();
}

export const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
