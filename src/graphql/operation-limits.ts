import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from "graphql";

/**
 * Operation limits (README, "Limits"), the same over HTTP and WebSocket:
 * checked after GraphQL's own validation and before anything executes, so an operation that
 * would stall the process for every tenant is refused with QUERY_TOO_COMPLEX instead.
 *
 * graphql-armor was considered: its cost rule gives every field a fixed cost (page sizes do not
 * multiply) and its Apollo integration targets Apollo Server 4, so these are our own, pure
 * functions over the document, the schema and the variables.
 */

/** Parser limit (graphql-js `maxTokens`): bounds parse and validation time of a 1 MiB body. */
export const MAX_TOKENS = 10_000;
/** Aliased fields in the operation (fragments counted where spread). */
export const MAX_ALIASES = 15;
/** Nesting of fields; a root field is depth 1. `employees { edges { node { manager { attributes { employee { id } } } } } }` is 7. */
export const MAX_DEPTH = 10;
/** Fields selected at the root of the operation. */
export const MAX_ROOT_FIELDS = 10;
/**
 * Estimated number of fields the answer holds: every field costs 1, and a list multiplies the
 * cost of its selection by its size: `first` (its value, its variable's, or the schema's default)
 * on a list field or on the connection around its `edges`, else ASSUMED_LIST_SIZE.
 * `employees(first: 500) { edges { node { bobId firstName lastName manager { bobId } attributes { attribute { name } value } } } }` costs 33,503.
 */
export const MAX_COST = 60_000;
/** Size assumed for a list without `first` (an employee's attributes, a delivery's issues). */
export const ASSUMED_LIST_SIZE = 20;

export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX";

export interface OperationMeasure {
  /** query, mutation or subscription. */
  operation: OperationTypeNode;
  readonly aliases: number;
  readonly depth: number;
  readonly rootFields: number;
  readonly cost: number;
}

interface Measure {
  aliases: number;
  depth: number;
  fields: number;
  cost: number;
}

const PAGE_ARGUMENT = "first";

/** Measures the operation `operationName` selects (null when the document does not name one clearly). */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): OperationMeasure | null {
  const operation = selectOperation(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walker = new Walker(schema, fragments, operation.variableDefinitions ?? [], variables ?? {});
  const measure = walker.selectionSet(operation.selectionSet, root, undefined);
  return {
    operation: operation.operation,
    aliases: measure.aliases,
    depth: measure.depth,
    rootFields: measure.fields,
    cost: measure.cost,
  };
}

/** The QUERY_TOO_COMPLEX error for an operation over any limit, naming every limit it exceeds; null when within. */
export function operationLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): GraphQLError | null {
  return limitErrorOf(measureOperation(schema, document, operationName, variables));
}

/** The QUERY_TOO_COMPLEX error for a measure over any limit (for callers that also use the measure). */
export function limitErrorOf(measure: OperationMeasure | null): GraphQLError | null {
  if (!measure) return null;
  const over = [
    measure.aliases > MAX_ALIASES ? `${measure.aliases} aliases (at most ${MAX_ALIASES})` : null,
    measure.depth > MAX_DEPTH ? `depth ${measure.depth} (at most ${MAX_DEPTH})` : null,
    measure.rootFields > MAX_ROOT_FIELDS ? `${measure.rootFields} root fields (at most ${MAX_ROOT_FIELDS})` : null,
    measure.cost > MAX_COST ? `cost ${formatCost(measure.cost)} (at most ${MAX_COST}; page sizes multiply)` : null,
  ].filter((text): text is string => text !== null);
  if (over.length === 0) return null;
  return queryTooComplex(`The operation is too complex: ${over.join(", ")}. See README, "Limits".`);
}

export function queryTooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

/** graphql-js's own words when a document passes MAX_TOKENS (that limit answers QUERY_TOO_COMPLEX too). */
export function isTokenLimitMessage(message: string): boolean {
  return message.includes(`${MAX_TOKENS} tokens. Parsing aborted.`);
}

function formatCost(cost: number): string {
  return Number.isFinite(cost) && cost < 1e15 ? String(Math.round(cost)) : "over 10^15";
}

function selectOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? (operations[0] as OperationDefinitionNode) : null;
}

const ZERO: Readonly<Measure> = Object.freeze({ aliases: 0, depth: 0, fields: 0, cost: 0 });

class Walker {
  /** A fragment's measure depends only on where it is spread (the page size pending there). */
  private readonly memo = new Map<string, Measure>();
  private readonly walking = new Set<string>();

  private readonly schema: GraphQLSchema;
  private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  private readonly variableDefinitions: readonly VariableDefinitionNode[];
  private readonly variables: Readonly<Record<string, unknown>>;

  constructor(
    schema: GraphQLSchema,
    fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    variableDefinitions: readonly VariableDefinitionNode[],
    variables: Readonly<Record<string, unknown>>,
  ) {
    this.schema = schema;
    this.fragments = fragments;
    this.variableDefinitions = variableDefinitions;
    this.variables = variables;
  }

  /**
   * `pendingPage`: the page size of the connection this selection belongs to, consumed by its
   * list field (`edges`); totalCount and pageInfo are not multiplied.
   */
  selectionSet(set: SelectionSetNode, parent: GraphQLNamedType, pendingPage: number | undefined): Measure {
    const total: Measure = { ...ZERO };
    for (const selection of set.selections) {
      let part: Measure;
      if (selection.kind === Kind.FIELD) part = this.field(selection, parent, pendingPage);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        part = this.selectionSet(selection.selectionSet, type ?? parent, pendingPage);
      } else part = this.fragment(selection.name.value, pendingPage);
      total.aliases += part.aliases;
      total.depth = Math.max(total.depth, part.depth);
      total.fields += part.fields;
      total.cost += part.cost;
    }
    return total;
  }

  private fragment(name: string, pendingPage: number | undefined): Measure {
    const key = `${name}\u0000${pendingPage ?? ""}`;
    const known = this.memo.get(key);
    if (known) return known;
    const definition = this.fragments.get(name);
    // Unknown or cyclic fragments are refused by GraphQL's validation; count nothing here.
    if (!definition || this.walking.has(name)) return ZERO;
    this.walking.add(name);
    const type = this.schema.getType(definition.typeCondition.name.value);
    const measure = type ? this.selectionSet(definition.selectionSet, type, pendingPage) : ZERO;
    this.walking.delete(name);
    this.memo.set(key, measure);
    return measure;
  }

  private field(node: FieldNode, parent: GraphQLNamedType, pendingPage: number | undefined): Measure {
    const aliases = node.alias ? 1 : 0;
    const name = node.name.value;
    // Introspection is bounded by the schema's size (and refused in production): count the field only.
    if (name.startsWith("__")) return { aliases, depth: 1, fields: 1, cost: 1 };
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!definition || !node.selectionSet) return { aliases, depth: 1, fields: 1, cost: 1 };
    const type = getNamedType(definition.type);
    const page = this.pageSize(node, definition);
    const isList = isListType(getNullableType(definition.type));
    // A list is as long as its own `first`, else its connection's, else assumed; a connection
    // passes its `first` on to its list.
    const multiplier = isList ? (page ?? pendingPage ?? ASSUMED_LIST_SIZE) : 1;
    const inner = isCompositeType(type) ? this.selectionSet(node.selectionSet, type, isList ? undefined : page) : ZERO;
    return { aliases: aliases + inner.aliases, depth: 1 + inner.depth, fields: 1, cost: 1 + multiplier * inner.cost };
  }

  /** The page size asked for: the literal, else the variable's value or default, else the schema's default. */
  private pageSize(node: FieldNode, definition: GraphQLField<unknown, unknown>): number | undefined {
    const argument = definition.args.find((a) => a.name === PAGE_ARGUMENT);
    if (!argument) return undefined;
    const fallback = typeof argument.defaultValue === "number" ? argument.defaultValue : ASSUMED_LIST_SIZE;
    const given = node.arguments?.find((a) => a.name.value === PAGE_ARGUMENT)?.value;
    let value: unknown;
    if (!given) value = undefined;
    else if (given.kind === Kind.VARIABLE) {
      const variable = given.name.value;
      if (Object.hasOwn(this.variables, variable)) value = this.variables[variable];
      else {
        const declared = this.variableDefinitions.find((v) => v.variable.name.value === variable)?.defaultValue;
        value = declared ? valueFromAST(declared, argument.type) : undefined;
      }
    } else value = valueFromAST(given, argument.type);
    // null or absent: the resolver uses its default; anything not a number fails coercion later.
    return typeof value === "number" && Number.isFinite(value) ? Math.max(0, value) : fallback;
  }
}
