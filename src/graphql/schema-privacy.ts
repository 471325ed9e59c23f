import { NoSchemaIntrospectionCustomRule, specifiedRules, type ValidationRule } from "graphql";

/**
 * With NODE_ENV=production the schema is not shown to strangers, on both transports: no
 * introspection, and no "Did you mean ...?" hints that would spell out field and type names.
 * (Apollo does the same over HTTP with `introspection: false` and
 * `hideSchemaDetailsFromClientErrors: true`; graphql-ws uses these.)
 */
export function validationRules(production: boolean): readonly ValidationRule[] {
  return production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
}

/** The message without graphql-js's trailing suggestion (the pattern Apollo strips too). */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, "");
}
