import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { DateTimeResolver } from "graphql-scalars";

/** ISO-8601 instant, UTC. */
export const DateTimeScalar = DateTimeResolver;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseCalendarDate(value: unknown): string {
  if (typeof value !== "string") throw new GraphQLError("Date must be a string YYYY-MM-DD.");
  const m = CALENDAR_DATE.exec(value);
  const check = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!check || check.toISOString().slice(0, 10) !== value)
    throw new GraphQLError(`"${value}" is not a calendar date YYYY-MM-DD.`);
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
