/* bytes.h: a growing byte buffer, and the cairo write callback that fills it (PDF and PNG
 * streams). Ownership: the buffer owns `data` (free it with free()). */
#ifndef PLANMON_RENDER_BYTES_H
#define PLANMON_RENDER_BYTES_H

#include <cairo.h>
#include <stddef.h>

typedef struct {
    unsigned char *data;
    size_t len, cap;
} render_bytes;

/* cairo_write_func_t appending to the render_bytes `closure`; CAIRO_STATUS_WRITE_ERROR when out
 * of memory. */
cairo_status_t render_bytes_write(void *closure, const unsigned char *data, unsigned int length);

#endif
