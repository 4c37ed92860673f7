/* docx_zip.c: a DOCX package as a ZIP archive built in memory with libzip (see docx_zip.h). The
 * entries' times come from the frame's creation date, never from the clock. */
#include "render/docx_zip.h"

#include <stdlib.h>
#include <zip.h>

#include "render/docx_parts.h"

time_t docx_entry_time(const char *created)
{
    int y = 2020, m = 1, d = 1;
    docx_valid_date(created, &y, &m, &d);
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12, .tm_isdst = -1};
    return mktime(&tm);
}

bool docx_pack(const docx_part *parts, size_t nparts, time_t mtime, render_bytes *out)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze); /* empty, growable */
    zip_error_fini(&ze);
    if (!mem)
        return false;
    zip_error_init(&ze);
    zip_t *za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    zip_error_fini(&ze);
    if (!za) {
        zip_source_free(mem);
        return false;
    }
    zip_source_keep(mem); /* zip_close must leave it to us: we read the archive back */
    for (size_t i = 0; i < nparts; i++) {
        zip_source_t *s = zip_source_buffer(za, parts[i].data, parts[i].len, 0);
        zip_int64_t idx = s ? zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(s); /* NULL-safe; the archive did not take it */
        } else if (zip_set_file_compression(za, (zip_uint64_t)idx,
                                            parts[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                            0) == 0 &&
                   zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) == 0) {
            continue;
        }
        zip_discard(za);
        zip_source_free(mem);
        return false;
    }
    if (zip_close(za) < 0) {
        zip_discard(za);
        zip_source_free(mem);
        return false;
    }
    bool ok = false;
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_source_open(mem) == 0) {
        if (zip_source_stat(mem, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) && zs.size > 0 &&
            (out->data = malloc(zs.size)) != NULL) {
            zip_int64_t got = zip_source_read(mem, out->data, zs.size);
            ok = got >= 0 && (zip_uint64_t)got == zs.size;
            out->len = out->cap = ok ? (size_t)zs.size : 0;
        }
        zip_source_close(mem);
    }
    zip_source_free(mem);
    if (!ok) {
        free(out->data);
        out->data = NULL;
        out->len = out->cap = 0;
    }
    return ok;
}
