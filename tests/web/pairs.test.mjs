// Following GET /duplicates' cursor (web/js/pairs.js): a page may hold no
// pair and still have a next_cursor, so the app asks for the next page
// until it has pairs to show, the list ends, or its bound is reached.
import { test } from "node:test";
import assert from "node:assert/strict";

import { nextPairs, withoutPerson } from "../../web/js/pairs.js";

const person = (id) => ({ id, ref: `P-${String(id).padStart(6, "0")}` });
const pair = (a, b) => ({ person: person(a), candidate: person(b), score: 90, explanation: "same birth date" });

// A server of pages: pages[i] answers cursor i (null for the first).
function server(pages) {
  const asked = [];
  const get = async (path, params) => {
    assert.equal(path, "/duplicates");
    asked.push(params);
    const i = params.cursor === null ? 0 : Number(params.cursor);
    return { items: pages[i], next_cursor: i + 1 < pages.length ? String(i + 1) : null };
  };
  return { get, asked };
}

test("empty pages are followed until pairs come", async () => {
  const s = server([[], [], [pair(7, 9)], [pair(11, 12)]]);
  const r = await nextPairs(s.get, { threshold: 80 });
  assert.deepEqual(r.items.map((p) => p.person.id), [7]);
  assert.equal(r.cursor, "3", "the next press goes on from the page after");
  assert.equal(r.pages, 3);
  assert.deepEqual(s.asked.map((q) => q.cursor), [null, "1", "2"]);
  assert.ok(s.asked.every((q) => q.threshold === 80 && q.limit === 20));
  const again = await nextPairs(s.get, { threshold: 80, cursor: r.cursor });
  assert.deepEqual(again.items.map((p) => p.person.id), [11]);
  assert.equal(again.cursor, null);
});

test("the end of the list: no pairs, no cursor", async () => {
  const r = await nextPairs(server([[], []]).get, { threshold: 70 });
  assert.deepEqual(r, { items: [], cursor: null, pages: 2 });
});

test("at most `bound` pages per call; the cursor is kept to search further", async () => {
  const s = server(Array.from({ length: 50 }, () => []));
  const r = await nextPairs(s.get, { threshold: 90, bound: 5 });
  assert.equal(r.items.length, 0);
  assert.equal(r.pages, 5);
  assert.equal(r.cursor, "5");
});

test("a pair with a side the server could not read is left out", async () => {
  const s = server([[{ person: person(1), candidate: null, score: 80 }], [pair(2, 3)]]);
  const r = await nextPairs(s.get, { threshold: 80 });
  assert.deepEqual(r.items.map((p) => p.candidate.id), [3]);
});

test("a merged person leaves every pair that names them", () => {
  const pairs = [pair(1, 2), pair(2, 3), pair(3, 4), pair(5, 2)];
  assert.deepEqual(withoutPerson(pairs, 2).map((p) => [p.person.id, p.candidate.id]), [[3, 4]]);
});
