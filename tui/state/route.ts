// Where the UI can be. A route is data so `:` commands, links and the breadcrumb all share it.
import type { Layer, Severity, Status } from '../../analyzer/rules/types.js';

export interface FindingFilter {
  readonly layer?: Layer;
  readonly severity?: Severity;
  readonly status?: Status;
  readonly node?: string;
  /** free text; may also hold `layer:` `sev:` `status:` `node:` tokens */
  readonly text: string;
}

export const EMPTY_FILTER: FindingFilter = { text: '' };

export interface FileTarget {
  readonly bundle: string;
  readonly path: string;
  /** lines of the JSON string at this pointer (a Corefile inside a ConfigMap) */
  readonly pointer?: string;
  readonly line?: number;
  readonly endLine?: number;
}

export type Route =
  | { readonly screen: 'overview' }
  | { readonly screen: 'findings'; readonly filter?: FindingFilter }
  | { readonly screen: 'detail'; readonly finding: number }
  | { readonly screen: 'evidence'; readonly node?: string; readonly file?: FileTarget }
  | { readonly screen: 'help' };

export type ScreenName = Route['screen'];
