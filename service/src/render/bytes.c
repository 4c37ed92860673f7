/* bytes.c: a growing byte buffer filled by cairo's write callback (see bytes.h). */
#include "render/bytes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

cairo_status_t render_bytes_write(void *closure, const unsigned char *data, unsigned int length)
{
    render_bytes *b = closure;
    if (length > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap - b->len < length) {
            if (cap > SIZE_MAX / 2)
                return CAIRO_STATUS_WRITE_ERROR;
            cap *= 2;
        }
        unsigned char *grown = realloc(b->data, cap);
        if (!grown)
            return CAIRO_STATUS_WRITE_ERROR;
        b->data = grown;
        b->cap = cap;
    }
    if (length)
        memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}
