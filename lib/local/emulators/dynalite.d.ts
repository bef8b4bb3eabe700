/** The parts of dynalite (CommonJS, untyped) the emulators use. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in-memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }

  /** An http.Server whose `close()` also closes the LevelDB store (flushing it). */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
