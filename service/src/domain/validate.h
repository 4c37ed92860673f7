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
    FIELD_STRING, /* a string of min_len..max_len bytes */
    FIELD_ENUM,   /* a string from `values` */
    FIELD_BOOL,
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
} field_spec;

typedef enum {
    VALIDATE_CREATE, /* required fields must be present; null is not a value */
    VALIDATE_PATCH,  /* JSON Merge Patch: every field optional; null removes (refused for these) */
} validate_mode;

/* Checks `body` (borrowed object) against `specs` (terminated by a {NULL} entry). */
pm_status validate_body(const json_t *body, const field_spec *specs, validate_mode mode,
                        pm_error *err);

/* The string value of `name` in `body`, or NULL when absent. Borrowed. */
const char *validate_string(const json_t *body, const char *name);

#endif
