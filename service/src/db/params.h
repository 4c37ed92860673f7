/* params.h: the text parameters of one statement, built from JSON request fields.
 *
 * A db_params collects up to DB_PARAMS_MAX values in `$n` order: strings as they are, integers
 * and booleans in their text form, arrays and objects as compact JSON (for jsonb columns), JSON
 * null or an absent field as SQL NULL. It owns the text it had to make; db_params_clear frees it.
 */
#ifndef PLANMON_DB_PARAMS_H
#define PLANMON_DB_PARAMS_H

#include <jansson.h>

enum { DB_PARAMS_MAX = 32 };

typedef struct {
    const char *values[DB_PARAMS_MAX]; /* borrowed from the JSON or owned (below) */
    char *owned[DB_PARAMS_MAX];
    int count;
} db_params;

/* Appends `value` (borrowed: it must outlive the statement; NULL is SQL NULL). */
void db_params_add(db_params *p, const char *value);

/* Appends a formatted integer. */
void db_params_add_int(db_params *p, long long value);

/* Appends the value of each of `columns` in `fields` (borrowed object), in order. */
void db_params_add_fields(db_params *p, const json_t *fields, const char *const *columns,
                          int ncolumns);

/* Appends a text[] literal naming those of `columns` present in `fields` (for merge patches:
 * `CASE WHEN 'col' = ANY($n::text[]) THEN ... ELSE col END`). */
void db_params_add_present(db_params *p, const json_t *fields, const char *const *columns,
                           int ncolumns);

/* Frees what `p` owns and empties it. */
void db_params_clear(db_params *p);

#endif
