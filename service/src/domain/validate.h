/* validate.h: declared validation of JSON request bodies, so handlers never hand-check fields.
 * A body is checked against a NULL-terminated table of field specs: an unknown or server-owned
 * field is 400 (PM_BAD_REQUEST) naming it; a field of the wrong type, length or value, or a
 * required one missing, is 422 (PM_VALIDATION_FAILED) naming it. Every failing field is listed
 * in err->errors. Pure code. */
#ifndef PLANMON_VALIDATE_H
#define PLANMON_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef enum {
    FIELD_STRING, /* a string of min_len..max_len characters, without NUL */
    FIELD_ENUM,   /* a string from `values` */
    FIELD_BOOL,
    FIELD_DATE,   /* a calendar date YYYY-MM-DD, or null when not required */
    FIELD_TIME,   /* an RFC 3339 time with an offset (timestamp.h) */
    FIELD_INT,    /* an integer from min_int..max_int */
    FIELD_NUMBER, /* any JSON number */
    FIELD_CUSTOM, /* checked by `custom` */
    FIELD_SERVER, /* owned by the server: never accepted from a client */
} field_type;

typedef struct {
    const char *name;
    field_type type;
    bool required;               /* must be present (on create) */
    size_t min_len, max_len;     /* FIELD_STRING */
    const char *const *values;   /* FIELD_ENUM, NULL-terminated */
    const char *pattern_hint;    /* FIELD_STRING: a further check's description, or NULL */
    bool (*check)(const char *); /* FIELD_STRING: optional further check */
    bool nullable;               /* null is a value (clears an optional field) */
    long long min_int, max_int;  /* FIELD_INT */
    /* FIELD_CUSTOM: checks the present, non-null `value`; appends to err and returns
     * PM_VALIDATION_FAILED (a bad value) or PM_BAD_REQUEST (a malformed structure). */
    pm_status (*custom)(const char *name, const json_t *value, pm_error *err);
} field_spec;

/* Table rows, so that a resource's fields read as a declaration. */
#define V_STRING(n, req, min, max)                                                               \
    {                                                                                            \
        .name = (n), .type = FIELD_STRING, .required = (req), .min_len = (min), .max_len = (max) \
    }
#define V_OPT_STRING(n, max)                                                  \
    {                                                                         \
        .name = (n), .type = FIELD_STRING, .max_len = (max), .nullable = true \
    }
#define V_CHECKED(n, req, min, max, fn, hint)                                                     \
    {                                                                                             \
        .name = (n), .type = FIELD_STRING, .required = (req), .min_len = (min), .max_len = (max), \
        .check = (fn), .pattern_hint = (hint)                                                     \
    }
/* An optional checked string that null clears. */
#define V_OPT_CHECKED(n, min, max, fn, hint)                                                     \
    {                                                                                            \
        .name = (n), .type = FIELD_STRING, .nullable = true, .min_len = (min), .max_len = (max), \
        .check = (fn), .pattern_hint = (hint)                                                    \
    }
#define V_ENUM(n, req, vals)                                                 \
    {                                                                        \
        .name = (n), .type = FIELD_ENUM, .required = (req), .values = (vals) \
    }
/* An optional enum that null clears. */
#define V_OPT_ENUM(n, vals)                                                 \
    {                                                                       \
        .name = (n), .type = FIELD_ENUM, .nullable = true, .values = (vals) \
    }
#define V_BOOL(n)                       \
    {                                   \
        .name = (n), .type = FIELD_BOOL \
    }
#define V_DATE(n, req)                                                         \
    {                                                                          \
        .name = (n), .type = FIELD_DATE, .required = (req), .nullable = !(req) \
    }
#define V_TIME(n, req)                                     \
    {                                                      \
        .name = (n), .type = FIELD_TIME, .required = (req) \
    }
/* Values every row has: required on create, never null (in a patch too). */
#define V_KEPT_DATE(n, req)                                \
    {                                                      \
        .name = (n), .type = FIELD_DATE, .required = (req) \
    }
#define V_KEPT_NUMBER(n, req)                                \
    {                                                        \
        .name = (n), .type = FIELD_NUMBER, .required = (req) \
    }
#define V_KEPT_CUSTOM(n, req, fn)                                            \
    {                                                                        \
        .name = (n), .type = FIELD_CUSTOM, .required = (req), .custom = (fn) \
    }
#define V_INT(n, req, min, max)                                                               \
    {                                                                                         \
        .name = (n), .type = FIELD_INT, .required = (req), .min_int = (min), .max_int = (max) \
    }
#define V_OPT_INT(n, min, max)                                                               \
    {                                                                                        \
        .name = (n), .type = FIELD_INT, .nullable = true, .min_int = (min), .max_int = (max) \
    }
#define V_NUMBER(n, req)                                                         \
    {                                                                            \
        .name = (n), .type = FIELD_NUMBER, .required = (req), .nullable = !(req) \
    }
#define V_CUSTOM(n, req, fn)                                                                     \
    {                                                                                            \
        .name = (n), .type = FIELD_CUSTOM, .required = (req), .nullable = !(req), .custom = (fn) \
    }
#define V_SERVER(n)                       \
    {                                     \
        .name = (n), .type = FIELD_SERVER \
    }
#define V_END        \
    {                \
        .name = NULL \
    }

typedef enum {
    VALIDATE_CREATE, /* required fields must be present; null is not a value */
    VALIDATE_PATCH,  /* JSON Merge Patch: every field optional; null removes (refused for these) */
} validate_mode;

/* Checks `body` (borrowed object) against `specs` (terminated by a {NULL} entry). */
pm_status validate_body(const json_t *body, const field_spec *specs, validate_mode mode,
                        pm_error *err);

/* FIELD_CUSTOM helpers for arrays: `value` must be an array of at most `max` items, each
 * passing `item` (called with the item's field name, e.g. "evidence[2]"). */
pm_status validate_array(const char *name, const json_t *value, size_t max,
                         pm_status (*item)(const char *name, const json_t *item, pm_error *err),
                         pm_error *err);

/* Checks `item`, an element named `name` (e.g. "agencies[0]"), as an object against `specs` like
 * a created body, naming fields "<name>.<field>". */
pm_status validate_object_item(const char *name, const json_t *item, const field_spec *specs,
                               pm_error *err);

/* The check of an array item that must be one of `allowed` (NULL-terminated): PM_OK, or 422
 * naming `name` and listing the allowed values. An item check of validate_array wraps it. */
pm_status validate_enum_item(const char *name, const json_t *item, const char *const *allowed,
                             pm_error *err);

/* An item check for validate_array: a string of 1..1000 characters, without NUL. */
pm_status validate_short_text(const char *name, const json_t *item, pm_error *err);

/* An item check for validate_array: an http or https URL of at most 2000 bytes. */
pm_status validate_url(const char *name, const json_t *item, pm_error *err);

/* A V_CUSTOM check of evidence links: an array of at most VALIDATE_MAX_EVIDENCE URLs
 * (validate_url), as a progress update or a disbursement carries them. */
enum { VALIDATE_MAX_EVIDENCE = 20 };
pm_status validate_evidence(const char *name, const json_t *value, pm_error *err);

/* Checks for V_CHECKED strings. */
bool validate_not_blank(const char *s); /* more than blanks */
/* Writes "a, b, c" from a NULL-terminated list into `out` (caller's buffer of `size` bytes,
 * truncated to fit). */
void validate_join_names(const char *const *names, char *out, size_t size);

/* True when `list` is one or more of the NULL-terminated `names` parted by commas ("a" or
 * "a,b"), with no empty item. */
bool validate_name_list(const char *list, const char *const *names);

bool validate_code(const char *s);   /* an agency or plan code: A-Z 0-9 in runs joined by '-' */
bool validate_clause(const char *s); /* a section code: A-Z 0-9 runs joined by '.' (II.3.1) */
bool validate_slug(const char *s);   /* a task key: a-z 0-9 runs joined by '-' */
bool validate_symbol_part(const char *s); /* a part of a document's symbol (SLĐTBXH): no blanks,
                                             '/' or '-' (the symbol's separators) */

/* The string a field will have after `change` (a body or merge patch) applies to `current` (NULL
 * on create): the change's value when it has the field, else the current one. NULL when absent
 * or null. Borrowed. */
const char *validate_merged(const json_t *change, const json_t *current, const char *name);

/* Checks that the date `end` will not be before (`may_equal`) or not be on or before the date
 * `start` once `change` applies to `current`: PM_VALIDATION_FAILED naming `end` (code
 * before_start) otherwise. */
pm_status validate_period(const json_t *change, const json_t *current, const char *start,
                          const char *end, bool may_equal, pm_error *err);

/* Checks that a fact marked inferred (`source` "inferred" once `change` applies to `current`)
 * gives its basis: the `note` field is not blank. PM_VALIDATION_FAILED naming `note` (code
 * required) otherwise. */
pm_status validate_basis(const json_t *change, const json_t *current, const char *source,
                         const char *note, pm_error *err);

/* True when `s` is a real calendar date written YYYY-MM-DD (years 1900-2200). */
bool validate_date(const char *s);

/* Rewrites the FIELD_TIME member `name` of `body` (checked by validate_body) in the canonical form
 * of timestamp_text, which PostgreSQL reads the same in any session zone. */
void validate_canonical_time(json_t *body, const char *name);

#endif
