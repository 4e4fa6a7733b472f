// The next duplicate pairs to show from GET /duplicates. A page of that
// list searches a bounded number of persons (docs/matching.md), so it may
// hold no pair at all and still have a next_cursor: follow it until there
// is something to show, the list ends, or `bound` pages have been asked for
// (then the person is offered to search further). No DOM here, so
// tests/web/pairs.test.mjs runs it under node with a stand-in for api.get.

// get(path, params) -> {items, next_cursor}. Pairs with a side the server
// could no longer read (null) are left out. -> {items, cursor, pages}
export async function nextPairs(get, { threshold, cursor = null, limit = 20, bound = 20 }) {
  const items = [];
  let pages = 0;
  do {
    const page = await get("/duplicates", { threshold, limit, cursor });
    pages += 1;
    items.push(...(page.items || []).filter((p) => p.person && p.candidate));
    cursor = page.next_cursor || null;
  } while (!items.length && cursor && pages < bound);
  return { items, cursor, pages };
}

// What is left of a list of pairs once person `goneId` has been merged
// away: no pair names them any more.
export function withoutPerson(pairs, goneId) {
  return pairs.filter((p) => p.person.id !== goneId && p.candidate.id !== goneId);
}
