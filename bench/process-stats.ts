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

/** Memory and CPU time of `pid` now; throws when the process is gone. */
export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing one.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, so 11 and 12 after the name (0-based).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssBytes: kb('VmRSS') * 1024,
    peakRssBytes: kb('VmHWM') * 1024,
    cpuMs: (ticks * 1000) / clockTicks(),
  };
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
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((part) => args.includes(part))) return Number(entry);
    } catch {
      // It ended while we looked.
    }
  }
  return null;
}

export const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
