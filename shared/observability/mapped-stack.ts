/**
 * Stack traces of the deployed bundles mapped back to the TypeScript, on demand. The functions
 * run without `--enable-source-maps`: with it Node.js reads and decodes the `.map` of every module
 * it loads (0.6-1.9 MB a function) at each cold start, whether or not anything ever fails. Here a
 * `.map` is read only when a stack is logged or reported, once per process and file, with
 * `node:module`'s own `SourceMap` (no dependency). That first read decodes the whole map: on this
 * machine ~110-140 ms for a function's `index.mjs.map` and 8-14 MB of memory kept for the process,
 * paid once, inside the first request that logs an error.
 *
 * A frame is mapped when its file is an `.mjs` with a readable `<file>.map` beside it (the
 * bundle's `index.mjs` and chunks); anything else is left as it is, so locally (tsx, which maps
 * TypeScript itself) and in tests this changes nothing. Never throws: a stack it cannot map is
 * returned unchanged.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** `file:///var/task/index.mjs:1:2345` or `/var/task/chunks/x.mjs:1:2345` inside a stack line. */
const FRAME = /((?:file:\/\/)?\/[^\s()]*?\.mjs):(\d+):(\d+)/g;

const maps = new Map<string, SourceMap | null>();
/** Errors already mapped (a stack is mapped once, however often it is logged). */
const MAPPED = new WeakSet<Error>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      const path = file.startsWith('file://') ? fileURLToPath(file) : file;
      map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** The source's path as the map names it, without the `../` that climb out of the build folder. */
const sourcePath = (name: string): string => name.replace(/^(?:\.\.\/)+/, '').replace(/^file:\/\//, '');

/** `stack` with every bundled frame replaced by its place in the original source. */
export function mapStack(stack: string): string {
  try {
    return stack.replace(FRAME, (frame, file: string, line: string, column: string) => {
      const origin = mapOf(file)?.findOrigin(Number(line), Number(column));
      if (!origin || !('fileName' in origin) || !origin.fileName) return frame;
      return `${sourcePath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}`;
    });
  } catch {
    return stack;
  }
}

/**
 * Maps `error.stack` (and its causes') in place, once: what the log formatter and Sentry call
 * before they read a stack. Returns the same error.
 */
export function withMappedStack<E>(error: E): E {
  try {
    for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
      if (MAPPED.has(e) || typeof e.stack !== 'string') continue;
      MAPPED.add(e);
      const mapped = mapStack(e.stack);
      if (mapped !== e.stack) e.stack = mapped;
    }
  } catch {
    // A frozen error, or a `stack` or `cause` getter that throws: left as it is.
  }
  return error;
}
