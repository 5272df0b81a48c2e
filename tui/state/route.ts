// Where the UI can be. A route is data so `:` commands, links and the breadcrumb all share it.
import type { Layer, Severity, Status } from '../../analyzer/rules/types.js';
import type { Proto } from '../../analyzer/trace/types.js';

export interface FindingFilter {
  readonly layer?: Layer;
  readonly severity?: Severity;
  readonly status?: Status;
  readonly node?: string;
  /** root causes only, or only the unexplained symptoms (probe failures nothing explains) */
  readonly role?: 'root' | 'unexplained';
  /** free text; may also hold `layer:` `sev:` `status:` `node:` `is:` tokens */
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
  | { readonly screen: 'help' }
  | TraceRoute;

/**
 * The Trace screen has three steps, each its own stack entry so esc walks back through them:
 * no `from` = pick the source, no `to` = pick the destination, both = the traced path.
 * `to` never holds the port: a typed or picked port lives in `port` so `p` can change it.
 */
export interface TraceRoute {
  readonly screen: 'trace';
  readonly from?: string;
  readonly to?: string;
  readonly port?: number;
  readonly proto?: Proto;
}

export type ScreenName = Route['screen'];
