import type { Manifest } from './manifest.js';
import type { LoadProblem } from '../core/problem.js';
import type { SpilledEntry } from './spill.js';

export type { SpilledEntry };

/** Limits applied while reading; defaults fit the Kubernetes scalability envelope. */
export interface ReadLimits {
  /** largest single entry, uncompressed bytes */
  readonly maxEntryBytes: number;
  /** all entries together, uncompressed bytes (stops decompression bombs) */
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
  /**
   * A .tar.gz whose decompressed data passes this many times the compressed bytes read so far is
   * a decompression bomb: reading stops (checked once `ratioFromBytes` have been decompressed)
   */
  readonly maxRatio: number;
  readonly ratioFromBytes: number;
  /**
   * entries of this many bytes or more are streamed into the bundle's private spill file instead
   * of a heap Buffer (spill.ts); their bytes are read back on demand
   */
  readonly spillMinBytes: number;
}

export interface ReadProgress {
  readonly bundlePath: string;
  readonly bytesRead: number;
  readonly entriesRead: number;
  readonly currentFile?: string;
}

/** One bundle as read from disk: bytes only, nothing parsed except the manifest. */
export interface RawBundle {
  /** unique within one analysis: file/dir basename without .tar.gz/.tgz/.tar */
  readonly id: string;
  /** where it was read from */
  readonly origin: string;
  readonly manifest?: Manifest;
  /** path inside the bundle -> bytes; one copy of each file */
  readonly files: ReadonlyMap<string, Buffer>;
  /**
   * path inside the bundle -> bytes in the spill file, for entries of spillMinBytes or more (never
   * also in `files`); absent in bundles built in memory. Use entries.ts to ask for any file.
   */
  readonly spilled?: ReadonlyMap<string, SpilledEntry>;
  readonly problems: readonly LoadProblem[];
}
