/* docx_zip.h: private to the DOCX renderer (render/docx*.c). Packing the parts into a ZIP in
 * memory with libzip (docx_zip.c), with entry times that depend only on the frame's date.
 *
 * Ownership: docx_pack borrows the parts (their data must stay alive until it returns) and moves
 * the archive's bytes into `out`, which the caller then owns (free(out->data)); it frees every
 * libzip object on every path. docx_entry_time borrows its string. */
#ifndef PLANMON_RENDER_DOCX_ZIP_H
#define PLANMON_RENDER_DOCX_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "render/bytes.h"

/* One part of the package; `data` is borrowed and must stay alive until zip_close. */
typedef struct {
    const char *name;
    const void *data;
    size_t len;
    bool store; /* PNG: already compressed */
} docx_part;

/* The ZIP entries' time: noon of the frame's date, or of 2020-01-01 when it has none. libzip
 * stores local (DOS) time, so the instant is taken in the local zone: every zone writes the same
 * bytes. */
time_t docx_entry_time(const char *created);

/* Packs `parts` into a ZIP in memory and moves its bytes into `out`; false on any libzip error
 * or when out of memory. Frees every libzip object on every path. */
bool docx_pack(const docx_part *parts, size_t nparts, time_t mtime, render_bytes *out);

#endif
