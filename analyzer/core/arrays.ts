// `a.push(...b)` passes every element of b as an argument: past ~100,000 elements (a bundle's
// problems, a resolv.conf line of 500,000 words) it throws "Maximum call stack size exceeded" and
// the whole load stops. Arrays whose size a bundle decides are appended with this loop instead.

/** appends every element of `from` to `to` (in order) and returns `to` */
export function pushAll<T>(to: T[], from: Iterable<T>): T[] {
  for (const x of from) to.push(x);
  return to;
}

/** the first index of ascending `list` whose element is >= `x` (`list.length` when none): binary search */
export function lowerBound<T extends number | string>(list: readonly T[], x: T): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as T) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
