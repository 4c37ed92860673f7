/* jsonutil.h: small Jansson helpers used across layers. */
#ifndef PLANMON_JSONUTIL_H
#define PLANMON_JSONUTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* True when the `len` bytes at `s` are valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* Returns a new JSON string of `s` (NULL gives JSON null). Bytes that are not valid UTF-8 — text
 * that came from a client — are replaced by U+FFFD, so the result is never NULL. */
json_t *json_text(const char *s);

/* The string member `key` of `object` (borrowed), or NULL when it is missing or not a string. */
const char *json_member_string(const json_t *object, const char *key);

/* Serialises `value` compactly, with numbers written to 15 significant digits (Jansson's
 * default writes 768.3 as 768.29999999999995). Returns a malloc'd string the caller frees. */
char *json_serialize(const json_t *value);

#endif
