/**
 * Where fit's progress and the callbacks' messages go: stderr under Node.js, the console
 * elsewhere (browsers, workers), one console line per written line.
 */

export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

let pending = '';

/** Collects text and hands each finished line to console.log (no terminal there: no \r redraws). */
const consoleStream: TextStream = {
  write(text: string) {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) console.log(line);
    return true;
  },
};

/** process.stderr where it exists, else the console. */
export function logStream(): TextStream {
  return typeof process !== 'undefined' && process.stderr ? process.stderr : consoleStream;
}
