/* xlsx_context.c: what a worksheet's cells need of the rest of the workbook (see
 * xlsx_internal.h): the shared strings, in one pool, and which cell styles show dates, from the
 * workbook's own number formats and the built-in ones. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xlsx_internal.h"

/* ---- shared strings -------------------------------------------------------------------- */

/* Ends the string item that started at `off` in the pool. */
static bool push_string(shared_strings *s, size_t off)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        struct span *grown = reallocarray(s->items, cap, sizeof *grown);
        if (!grown)
            return false;
        s->items = grown;
        s->cap = cap;
    }
    s->items[s->count++] = (struct span){off, s->pool.len - off};
    return true;
}

/* Reads the shared strings part `name`, if the workbook has it: each <si>'s text, rich-text runs
 * concatenated. */
xlsx_status xlsxr_read_shared_strings(book *b, const char *name, shared_strings *s)
{
    part p;
    bool found, more = true;
    xlsx_status st = xlsxr_part_open(b, &p, name, &found);
    size_t start = 0;
    bool in_item = false;
    while (st == XLSX_OK && found && (st = xlsxr_part_next(&p, &more)) == XLSX_OK && more) {
        bool item = p.kind == K_SI && xlsxr_kind_at(&p, p.depth - 1) == K_SST;
        if (p.type == XML_READER_TYPE_ELEMENT && item) {
            start = s->pool.len;
            in_item = !p.empty;
            if (p.empty && !push_string(s, start))
                st = xlsxr_no_memory(b);
        } else if (p.type == XML_READER_TYPE_END_ELEMENT && item && in_item) {
            in_item = false;
            if (!push_string(s, start))
                st = xlsxr_no_memory(b);
        } else if (in_item && xlsxr_is_text(&p) && xlsxr_in_string_text(&p, K_SI)) {
            st = xlsxr_append_text(&p, &s->pool);
        }
    }
    xlsxr_part_close(&p);
    return st;
}

/* Frees the shared strings. */
void xlsxr_free_shared_strings(shared_strings *s)
{
    free(s->pool.data);
    free(s->items);
}

/* ---- styles ---------------------------------------------------------------------------- */

/* Whether the built-in number format `id` shows a date or a time (14–22, 45–47, and the East
 * Asian date formats 27–36 and 50–58). */
static bool builtin_date_format(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

/* Whether the number format `code` shows a date or time: d, m, y or h in its first section
 * outside quoted text, brackets ([Red], [$-409]) and escaped or spacing characters. */
static bool format_is_date(const char *code)
{
    for (const char *c = code; *c && *c != ';'; c++) {
        switch (*c) {
        case '"':
            c = strchr(c + 1, '"');
            if (!c)
                return false;
            break;
        case '[':
            c = strchr(c + 1, ']');
            if (!c)
                return false;
            break;
        case '\\':
        case '_':
        case '*':
            if (!*++c)
                return false;
            break;
        case 'd':
        case 'D':
        case 'm':
        case 'M':
        case 'y':
        case 'Y':
        case 'h':
        case 'H':
            return true;
        default:
            break;
        }
    }
    return false;
}

/* A growing array of longs. */
typedef struct {
    long *items;
    size_t count, cap;
} long_list;

/* Appends `v` to `l`. */
static bool long_push(long_list *l, long v)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        long *grown = reallocarray(l->items, cap, sizeof *grown);
        if (!grown)
            return false;
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->count++] = v;
    return true;
}

/* Notes a <numFmt> that shows dates in `dates` and one that does not in `others`. */
static bool note_format(part *p, long_list *dates, long_list *others)
{
    char *id = xlsxr_attr(p, "numFmtId"), *code = xlsxr_attr(p, "formatCode");
    long n;
    bool ok = true;
    if (xlsxr_parse_index(id, INT_MAX, &n) && code)
        ok = long_push(format_is_date(code) ? dates : others, n);
    xmlFree(id);
    xmlFree(code);
    return ok;
}

/* Whether number format `id` shows a date, by the workbook's own formats then the built-ins. */
static bool shows_date(long id, const long_list *dates, const long_list *others)
{
    for (size_t i = 0; i < dates->count; i++) {
        if (dates->items[i] == id)
            return true;
    }
    for (size_t i = 0; i < others->count; i++) {
        if (others->items[i] == id)
            return false;
    }
    return builtin_date_format(id);
}

/* Reads the styles part `name`, if the workbook has it: which cell styles (cellXfs) are dates. */
xlsx_status xlsxr_read_styles(book *b, const char *name, book_context *ctx)
{
    part p;
    bool found, more = true;
    long_list dates = {0}, others = {0}, xfs = {0};
    xlsx_status st = xlsxr_part_open(b, &p, name, &found);
    while (st == XLSX_OK && found && (st = xlsxr_part_next(&p, &more)) == XLSX_OK && more) {
        if (p.type != XML_READER_TYPE_ELEMENT)
            continue;
        element_kind parent = xlsxr_kind_at(&p, p.depth - 1);
        if (p.kind == K_NUMFMT && parent == K_NUMFMTS) {
            if (!note_format(&p, &dates, &others))
                st = xlsxr_no_memory(b);
        } else if (p.kind == K_XF && parent == K_CELLXFS) {
            char *id = xlsxr_attr(&p, "numFmtId");
            long n;
            if (!long_push(&xfs, xlsxr_parse_index(id, INT_MAX, &n) ? n : 0))
                st = xlsxr_no_memory(b);
            xmlFree(id);
        }
    }
    xlsxr_part_close(&p);
    if (st == XLSX_OK && xfs.count) {
        ctx->date_styles = calloc(xfs.count, sizeof *ctx->date_styles);
        if (!ctx->date_styles)
            st = xlsxr_no_memory(b);
        for (size_t i = 0; ctx->date_styles && i < xfs.count; i++)
            ctx->date_styles[i] = shows_date(xfs.items[i], &dates, &others);
        ctx->nstyles = ctx->date_styles ? xfs.count : 0;
    }
    free(dates.items);
    free(others.items);
    free(xfs.items);
    return st;
}
