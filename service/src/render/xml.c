/* xml.c: a growable text buffer for writing XML (see xml.h). */
#include "render/xml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for `n` more bytes and a NUL; false (and failed) when out of memory. */
static bool reserve(xml_buf *x, size_t n)
{
    if (x->failed)
        return false;
    if (x->cap - x->len > n)
        return true;
    size_t cap = x->cap ? x->cap : 4096;
    while (cap - x->len < n + 1) {
        if (cap > SIZE_MAX / 2) {
            x->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(x->data, cap);
    if (!p) {
        x->failed = true;
        return false;
    }
    x->data = p;
    x->cap = cap;
    return true;
}

void xml_put(xml_buf *x, const char *s, size_t n)
{
    if (!reserve(x, n))
        return;
    memcpy(x->data + x->len, s, n);
    x->len += n;
    x->data[x->len] = '\0';
}

void xml_cat(xml_buf *x, const char *s)
{
    xml_put(x, s, strlen(s));
}

void xml_printf(xml_buf *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        x->failed = true;
        return;
    }
    if (!reserve(x, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(x->data + x->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    x->len += (size_t)n;
}

void xml_text(xml_buf *x, const char *s)
{
    xml_text_n(x, s, strlen(s));
}

void xml_text_n(xml_buf *x, const char *s, size_t n)
{
    const char *plain = s, *end = s + n; /* plain: the start of the bytes not yet copied */
    for (; s < end; s++) {
        const char *rep;
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                continue;
            rep = ""; /* a control character XML 1.0 cannot hold */
        }
        xml_put(x, plain, (size_t)(s - plain));
        xml_cat(x, rep);
        plain = s + 1;
    }
    xml_put(x, plain, (size_t)(s - plain));
}

void xml_fail(xml_buf *x)
{
    x->failed = true;
}

void xml_buf_free(xml_buf *x)
{
    free(x->data);
    *x = (xml_buf){0};
}
