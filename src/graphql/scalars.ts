import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { isCalendarDate } from "../domain/mapping/calendar-date.js";

/** ISO-8601 instant, UTC. */
export const DateTimeScalar = DateTimeResolver;

function parseCalendarDate(value: unknown): string {
  if (typeof value !== "string") throw new GraphQLError("Date must be a string YYYY-MM-DD.");
  if (!isCalendarDate(value)) throw new GraphQLError(`"${value}" is not a calendar date YYYY-MM-DD.`);
  return value;
}

/** A calendar date kept as the string "YYYY-MM-DD": never a Date object, so never shifted by a time zone. */
export const CalendarDateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "Calendar date, YYYY-MM-DD, never shifted by a time zone.",
  serialize: (value) => parseCalendarDate(value),
  parseValue: (value) => parseCalendarDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("Date must be a string YYYY-MM-DD.");
    return parseCalendarDate(ast.value);
  },
});
