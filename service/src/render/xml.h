/* xml.h: a growable text buffer for writing XML (the DOCX parts), with escaping. Appending never
 * fails loudly: when memory runs out the buffer is marked failed, later appends do nothing, and
 * the writer checks `failed` once at the end.
 *
 * Ownership: the buffer owns `data` (NUL-terminated while not failed); xml_buf_free releases it. */
#ifndef PLANMON_RENDER_XML_H
#define PLANMON_RENDER_XML_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
    bool failed; /* memory ran out (or a caller gave up): the contents are incomplete */
} xml_buf;

/* Appends `n` bytes of `s`, or the NUL-terminated `s`, verbatim (markup). */
void xml_put(xml_buf *x, const char *s, size_t n);
void xml_cat(xml_buf *x, const char *s);

/* Appends printf-style markup; the arguments are not escaped. */
void xml_printf(xml_buf *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends UTF-8 `s` escaped for a text node or an attribute value (&, <, >, "), dropping the
 * control characters XML 1.0 forbids (everything below U+0020 but tab, newline and CR). */
void xml_text(xml_buf *x, const char *s);
void xml_text_n(xml_buf *x, const char *s, size_t n); /* the first `n` bytes of `s` */

/* Marks the buffer failed (a caller ran out of memory on its own). */
void xml_fail(xml_buf *x);

/* Frees the contents and empties the buffer; it may be reused. */
void xml_buf_free(xml_buf *x);

#endif
