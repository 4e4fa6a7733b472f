/* Merging a duplicate person into a survivor, recorded so an admin can
 * undo it exactly. Same conventions as store/persons.h; writers run in the
 * caller's write transaction. */
#ifndef SAFAR_STORE_MERGES_H
#define SAFAR_STORE_MERGES_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;

/* One thing that moved: kind "document" / "consent" (target: its id),
 * "household_member" / "household_head" / "case_member" / "case_principal"
 * (target: the household or case). action "moved", "removed" (the
 * survivor was already a member; the merged person's row was deleted) or
 * "replaced" (head/principal now the survivor; relationship: the
 * survivor's relationship before, NULL when it was no member).
 * relationship of a membership: the merged person's. */
struct merge_item {
	const char *kind;
	int64_t target_id;
	const char *action;
	const char *relationship;
};

struct merge_rec {
	int64_t id, survivor_id, merged_id;
	const char *reason, *merged_at;
	int64_t merged_by;
	const char *undone_at; /* NULL while the merge stands */
	int64_t undone_by;
	const char *undo_reason;
	struct merge_item *items;
	int n_items;
};

/* Moves documents (those the survivor lacks), consents, household and case
 * memberships (head and principal roles too) from merged to survivor,
 * makes merged a tombstone (merged_into, deleted_at), bumps the versions
 * of both persons and of every household and case touched, and records it
 * all. *merge_id gets the record's id. */
__attribute__((warn_unused_result)) int merges_apply(struct db *db, int64_t survivor,
                                                     int64_t merged, const char *reason,
                                                     const char *now, int64_t by,
                                                     int64_t *merge_id);
int merges_get(struct db *db, struct arena *a, int64_t id, struct merge_rec *out);
/* Puts back everything the merge moved and revives the merged person. The
 * caller checks the merge stands and the survivor is not merged away. */
__attribute__((warn_unused_result)) int merges_undo(struct db *db, const struct merge_rec *m,
                                                    const char *now, int64_t by,
                                                    const char *reason);
/* 1 when person id is a tombstone of a merge: *survivor and *office_id
 * (its own office) set. */
int merges_tombstone(struct db *db, int64_t id, int64_t *survivor, int64_t *office_id);
/* The merge that made person id a tombstone: the latest one not undone
 * whose merged_id is id. 1 found (*merge_id set, *merged_at in arena a),
 * 0 none, negative on a store error. */
int merges_standing(struct db *db, struct arena *a, int64_t id, int64_t *merge_id,
                    const char **merged_at);

#endif
