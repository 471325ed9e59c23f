/** Builds a Relay-style connection (edges, pageInfo, totalCount) from one page of a store. */
export function connectionOf<TNode, TItem extends { readonly cursor: string }>(
  items: readonly TItem[],
  node: (item: TItem) => TNode,
  page: { readonly hasNextPage: boolean; readonly totalCount: number },
): {
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
} {
  return {
    edges: items.map((item) => ({ cursor: item.cursor, node: node(item) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: items.at(-1)?.cursor ?? null },
    totalCount: page.totalCount,
  };
}
