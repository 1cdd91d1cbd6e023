/** The reverse of a `name → code` constant table: `code → name`, for decoding and for logs. */
export function namesByCode<T extends Readonly<Record<string, number>>>(table: T): Readonly<Record<number, keyof T & string>> {
  return Object.fromEntries(Object.entries(table).map(([name, code]) => [code, name]));
}
