// Entry names are untrusted and unbounded (a PAX or GNU long name may be 4 MiB): a name is cut to
// a readable length before it is kept in a problem, a map key or a message.

export const NAME_SHOWN = 200;

/** `name` when short; else its first NAME_SHOWN characters and `…(N bytes)` */
export function cutName(name: string, max = NAME_SHOWN): string {
  if (name.length <= max) return name;
  let end = max;
  const last = name.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // never half a surrogate pair
  return `${name.slice(0, end)}…(${Buffer.byteLength(name)} bytes)`;
}
