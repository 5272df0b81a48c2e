// The visible window of a filtered, virtualized list: what the screen state computes for a list
// screen and what its component draws (plus the terminal width). One type, so state and
// component cannot drift apart.
export interface ListWindow<Row> {
  readonly rows: readonly Row[];
  /** rows before the filter */
  readonly total: number;
  readonly filter: string;
  readonly cursor: number;
  /** first visible row */
  readonly top: number;
  readonly height: number;
}
