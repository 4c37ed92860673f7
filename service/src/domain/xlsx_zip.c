/* xlsx_zip.c: the zip layer of the XLSX reader (see xlsx_internal.h). Its end records are
 * checked for the entry count before libzip allocates for them; every entry is checked against
 * the limits by its central-directory sizes before a byte of it is inflated, then read while the
 * bytes really inflated are counted (a header that lies is caught at its first extra byte). */
#include <stdio.h>
#include <string.h>

#include "domain/xlsx_internal.h"

enum { RATIO_FLOOR = 1 << 20 }; /* a part of at most 1 MiB is not held to max_ratio */

/* "N MiB" when `bytes` is a whole number of MiB, else "N bytes". */
static const char *describe_bytes(uint64_t bytes, char out[32])
{
    if (bytes && bytes % MIB == 0)
        snprintf(out, 32, "%llu MiB", (unsigned long long)(bytes / MIB));
    else
        snprintf(out, 32, "%llu bytes", (unsigned long long)bytes);
    return out;
}

/* The little-endian 16-bit number at `p`. */
static uint64_t le16(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8;
}

/* The little-endian 64-bit number at `p`. */
static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The largest entry count that any end-of-central-directory record in the zip's last 64 KiB
 * claims, zip64 ones included (libzip allocates by that count before it can be checked); false
 * when there is no such record. */
static bool claimed_entries(const unsigned char *d, size_t len, uint64_t *count)
{
    *count = 0;
    if (len < 22)
        return false;
    size_t last = len - 22, first = last > 65535 ? last - 65535 : 0;
    bool found = false;
    for (size_t i = last + 1; i-- > first;) {
        if (memcmp(d + i, "PK\5\6", 4) != 0)
            continue;
        found = true;
        uint64_t on_disk = le16(d + i + 8), total = le16(d + i + 10);
        *count = on_disk > *count ? on_disk : *count;
        *count = total > *count ? total : *count;
        if (i >= 20 && memcmp(d + i - 20, "PK\6\7", 4) == 0) {
            uint64_t at = le64(d + i - 20 + 8);
            if (at <= len - 56 && len >= 56 && memcmp(d + at, "PK\6\6", 4) == 0) {
                on_disk = le64(d + at + 24);
                total = le64(d + at + 32);
                *count = on_disk > *count ? on_disk : *count;
                *count = total > *count ? total : *count;
            }
        }
    }
    return found;
}

/* Opens the archive over the caller's bytes, refusing what is no zip or has too many entries. */
xlsx_status xlsxr_open_zip(book *b, const void *data, size_t len)
{
    static const unsigned char cfb[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (data && len >= sizeof cfb && memcmp(data, cfb, sizeof cfb) == 0)
        return xlsxr_fail(
            b, XLSX_NOT_ZIP,
            "the file is an encrypted workbook or an old .xls file, not an XLSX workbook");
    uint64_t claimed;
    if (!data || !claimed_entries(data, len, &claimed))
        return xlsxr_fail(b, XLSX_NOT_ZIP, "the file is not an XLSX workbook (not a zip archive)");
    if (claimed > b->limits->max_entries)
        return xlsxr_fail(b, XLSX_TOO_LARGE, "the file has more than %zu zip entries",
                          b->limits->max_entries);
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &error);
    if (src)
        b->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    int code = zip_error_code_zip(&error);
    zip_error_fini(&error);
    if (!src)
        return xlsxr_no_memory(b);
    if (!b->zip) {
        zip_source_free(src);
        if (code == ZIP_ER_MEMORY)
            return xlsxr_no_memory(b);
        if (code == ZIP_ER_NOZIP)
            return xlsxr_fail(b, XLSX_NOT_ZIP,
                              "the file is not an XLSX workbook (not a zip archive)");
        return xlsxr_fail(b, XLSX_NOT_ZIP, "the zip archive is truncated or damaged");
    }
    zip_int64_t n = zip_get_num_entries(b->zip, 0);
    if (n < 0 || (uint64_t)n > b->limits->max_entries)
        return xlsxr_fail(b, XLSX_TOO_LARGE, "the file has more than %zu zip entries",
                          b->limits->max_entries);
    return XLSX_OK;
}

/* Zeroes `p` and opens its zip entry `name` after checking its sizes against the limits; *found
 * is false (and nothing is open) when the archive has no such entry. */
xlsx_status xlsxr_entry_open(book *b, part *p, const char *name, bool *found)
{
    memset(p, 0, sizeof *p);
    p->b = b;
    p->name = name;
    *found = false;
    zip_int64_t i = zip_name_locate(b->zip, name, 0);
    if (i < 0)
        i = zip_name_locate(b->zip, name, ZIP_FL_NOCASE);
    if (i < 0)
        return XLSX_OK;
    *found = true;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(b->zip, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_COMP_SIZE))
        return xlsxr_fail(b, XLSX_NOT_ZIP, "the zip entry %s is damaged", name);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return xlsxr_fail(b, XLSX_NOT_ZIP, "the zip entry %s is encrypted", name);
    const xlsx_limits *lim = b->limits;
    char size[32];
    if (st.size > lim->max_part_bytes)
        return xlsxr_fail(b, XLSX_TOO_LARGE, "the part %s unpacks to more than %s", name,
                          describe_bytes(lim->max_part_bytes, size));
    if (st.size > RATIO_FLOOR &&
        (st.comp_size == 0 || (double)st.size / (double)st.comp_size > lim->max_ratio))
        return xlsxr_fail(b, XLSX_TOO_LARGE,
                          "the part %s is compressed more than %g to 1 (a zip bomb?)", name,
                          lim->max_ratio);
    if (st.size > lim->max_total_bytes - b->total)
        return xlsxr_fail(b, XLSX_TOO_LARGE, "the workbook unpacks to more than %s",
                          describe_bytes(lim->max_total_bytes, size));
    b->total += st.size;
    p->declared = st.size;
    p->file = zip_fopen_index(b->zip, (zip_uint64_t)i, 0);
    if (!p->file)
        return xlsxr_fail(b, XLSX_NOT_ZIP, "the zip entry %s cannot be read (%s)", name,
                          zip_strerror(b->zip));
    return XLSX_OK;
}

/* libxml2's read callback: the next bytes of the part, never more than its header promised;
 * a problem ends the input (0, not -1, so that libxml2 reports nothing itself). */
int xlsxr_entry_read(void *ctx, char *buf, int len)
{
    part *p = ctx;
    if (p->stream_status != XLSX_OK || len <= 0)
        return 0;
    zip_int64_t n = zip_fread(p->file, buf, (zip_uint64_t)len);
    if (n < 0) {
        p->stream_status = xlsxr_fail(p->b, XLSX_NOT_ZIP, "the zip entry %s is damaged (%s)",
                                      p->name, zip_file_strerror(p->file));
        return 0;
    }
    if ((uint64_t)n > p->declared - p->got) {
        p->stream_status = xlsxr_fail(
            p->b, XLSX_NOT_ZIP, "the zip entry %s unpacks to more than its header says", p->name);
        return 0;
    }
    if (n == 0 && p->got < p->declared) {
        p->stream_status = xlsxr_fail(
            p->b, XLSX_NOT_ZIP, "the zip entry %s unpacks to less than its header says", p->name);
        return 0;
    }
    p->got += (uint64_t)n;
    return (int)n;
}

/* Closes the entry xlsxr_entry_open opened, if any. */
void xlsxr_entry_close(part *p)
{
    if (p->file)
        zip_fclose(p->file);
    p->file = NULL;
}
