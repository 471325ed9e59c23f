import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/** Whether the operation selects a field of this name anywhere below the resolved field (fragments included). */
export function selectsBelow(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name || visit(selection.selectionSet)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet)) return true;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        if (visit(info.fragments[selection.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

/**
 * Whether the operation reads the attribute values of an employee it reaches through another
 * one: `attributes` below a `manager` or an `employee` field (the root field `employee` excepted,
 * whose employee is read whole anyway). Such employees are then loaded with their values.
 */
export function readsAttributesOfReferences(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, below: boolean, root: boolean): boolean => {
    if (!set) return false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (below && name === "attributes") return true;
        const reference = !root && (name === "manager" || name === "employee");
        if (visit(selection.selectionSet, below || reference, false)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet, below, root)) return true;
      } else {
        const key = `${selection.name.value} ${below} ${root}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (visit(info.fragments[selection.name.value]?.selectionSet, below, root)) return true;
      }
    }
    return false;
  };
  return visit(info.operation.selectionSet, false, true);
}
