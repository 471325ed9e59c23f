/**
 * Text a person could have typed and a database can store: no control characters (tab, line
 * breaks aside where a caller folds whitespace first) and no lone UTF-16 surrogates. PostgreSQL
 * rejects NUL in text and lone surrogates in jsonb, so such input is refused at the boundary.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !CONTROL.test(value);
}
