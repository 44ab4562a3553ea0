/**
 * This process's peak resident set size, in MiB. On Linux it is read from /proc/self/status
 * (VmHWM, the high-water mark of this program's own memory): getrusage's maxrss of a child
 * started with fork and exec also counts the parent's resident memory at the fork, so a child
 * of a large bench process would report at least the parent's size.
 */
import * as fs from 'fs';

export function peakRssMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024;
}
