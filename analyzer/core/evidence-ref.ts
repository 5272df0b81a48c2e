// Ground floor: a place in a bundle a person can open. Rules cite it, the model resolves it, every
// report renders it; it lives here so that none of them imports another's floor to name it.

/**
 * A place a person can open: a bundle file plus a 1-based line range, or a JSON pointer,
 * with the text quoted from there (for a pointer: JSON.stringify of the value).
 */
export interface EvidenceRef {
  readonly bundle: string;
  readonly path: string;
  readonly line?: number;
  readonly endLine?: number;
  readonly pointer?: string;
  readonly quote: string;
  /** what this piece shows, one short line */
  readonly note?: string;
}
