/* xlsx.c: the cells of an XLSX workbook (see xlsx.h): xlsx_read, the workbook part
 * (xl/workbook.xml: its sheets and date system) and its relationships (which parts hold the
 * sheet, the shared strings and the styles), the reasons for failures and the growing byte
 * string the other files use. The zip is opened over the caller's bytes without a copy
 * (xlsx_zip.c), every part is streamed through a libxml2 reader of its own (xlsx_xml.c); the
 * shared strings and styles (xlsx_context.c) are read before the sheet (xlsx_sheet.c,
 * xlsx_cells.c). */
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/xlsx_internal.h"

const xlsx_limits xlsx_default_limits = {
    .max_entries = 1000,
    .max_part_bytes = 256 * MIB,
    .max_total_bytes = 512 * MIB,
    .max_ratio = 200,
    .max_depth = 64,
    .max_cells = 2000000,
};

enum { PART_NAME_SIZE = 512 };

static const char NS_REL[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
static const char NS_REL_STRICT[] = "http://purl.oclc.org/ooxml/officeDocument/relationships";

/* Cuts `s` back to whole UTF-8 characters (a truncated message must stay valid UTF-8). */
static void trim_utf8(char *s)
{
    size_t n = strlen(s), lead = n;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n - (lead - 1) < want)
        s[lead - 1] = '\0';
}

/* Writes the reason for `st` into the caller's `why` (the first reason given wins); returns st. */
xlsx_status xlsxr_fail(book *b, xlsx_status st, const char *fmt, ...)
{
    if (!b->told && b->why && b->why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->why, b->why_size, fmt, ap);
        va_end(ap);
        trim_utf8(b->why);
    }
    b->told = true;
    return st;
}

/* The out-of-memory failure. */
xlsx_status xlsxr_no_memory(book *b)
{
    return xlsxr_fail(b, XLSX_NO_MEMORY, "out of memory reading the workbook");
}

/* Copies `s` (from the file) into `out`, at most 40 bytes of whole UTF-8 characters then "…". */
const char *xlsxr_clip(const char *s, char out[CLIP_SIZE])
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    if (n <= 40) {
        memcpy(out, s, n + 1);
        return out;
    }
    memcpy(out, s, 40);
    out[40] = '\0';
    trim_utf8(out);
    memcpy(out + strlen(out), "\xE2\x80\xA6", sizeof "\xE2\x80\xA6"); /* an ellipsis */
    return out;
}

/* Appends `n` bytes at `s` to `t`, keeping it NUL-terminated. */
bool xlsxr_text_append(text_buf *t, const char *s, size_t n)
{
    if (n >= SIZE_MAX / 2 - t->len)
        return false;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->data, cap);
        if (!grown)
            return false;
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
    return true;
}

/* Empties `t`, keeping its memory. */
void xlsxr_text_clear(text_buf *t)
{
    t->len = 0;
    if (t->data)
        t->data[0] = '\0';
}

/* ---- workbook and relationships -------------------------------------------------------- */

/* The sheet chosen in xl/workbook.xml. */
typedef struct {
    const char *wanted; /* NULL: the first */
    char *name, *rid;   /* xmlFree them */
    int match;          /* 0: none yet, 1: the name but for ASCII case, 2: the sheet */
    size_t sheets;
    bool date1904;
} workbook_info;

/* The sheet the reader is on (a <sheet> of <sheets>) becomes the chosen one if it fits better. */
static void consider_sheet(part *p, workbook_info *w)
{
    char *name = xlsxr_attr(p, "name");
    char *rid = (char *)xmlTextReaderGetAttributeNs(p->reader, (const xmlChar *)"id",
                                                    (const xmlChar *)NS_REL);
    if (!rid)
        rid = (char *)xmlTextReaderGetAttributeNs(p->reader, (const xmlChar *)"id",
                                                  (const xmlChar *)NS_REL_STRICT);
    w->sheets++;
    int match = 0;
    if (!w->wanted)
        match = w->sheets == 1 ? 2 : 0;
    else if (name && strcmp(name, w->wanted) == 0)
        match = 2;
    else if (name && strcasecmp(name, w->wanted) == 0)
        match = 1;
    if (match > w->match) {
        xmlFree(w->name);
        xmlFree(w->rid);
        w->name = name;
        w->rid = rid;
        w->match = match;
    } else {
        xmlFree(name);
        xmlFree(rid);
    }
}

/* Reads xl/workbook.xml: the date system and the chosen sheet's name and relationship id. */
static xlsx_status read_workbook(book *b, workbook_info *w)
{
    part p;
    bool found, more = true;
    xlsx_status st = xlsxr_part_open(b, &p, "xl/workbook.xml", &found);
    if (st == XLSX_OK && !found)
        st = xlsxr_fail(b, XLSX_NOT_WORKBOOK,
                        "the file is not an XLSX workbook (no xl/workbook.xml)");
    while (st == XLSX_OK && (st = xlsxr_part_next(&p, &more)) == XLSX_OK && more) {
        if (p.type != XML_READER_TYPE_ELEMENT)
            continue;
        element_kind parent = xlsxr_kind_at(&p, p.depth - 1);
        if (p.kind == K_WORKBOOKPR && parent == K_WORKBOOK) {
            char *v = xlsxr_attr(&p, "date1904");
            w->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
            xmlFree(v);
        } else if (p.kind == K_SHEET && parent == K_SHEETS) {
            consider_sheet(&p, w);
        }
    }
    xlsxr_part_close(&p);
    if (st != XLSX_OK)
        return st;
    if (w->sheets == 0)
        return xlsxr_fail(b, XLSX_NO_SHEET, "the workbook has no sheets");
    if (!w->match) {
        char shown[CLIP_SIZE];
        return xlsxr_fail(b, XLSX_NO_SHEET,
                          "the workbook has no sheet named \xE2\x80\x9C%s\xE2\x80\x9D",
                          xlsxr_clip(w->wanted, shown));
    }
    if (!w->name || !w->rid)
        return xlsxr_fail(b, XLSX_MALFORMED, "xl/workbook.xml has a sheet without a name or an id");
    return XLSX_OK;
}

/* The part a relationship target of xl/workbook.xml names: "/xl/a.xml" from the package's root,
 * "a.xml" or "../xl/a.xml" from xl/. False when it leaves the package or is too long. */
static bool resolve_target(const char *target, char out[PART_NAME_SIZE])
{
    size_t len = 0;
    const char *s = target;
    if (*s == '/') {
        s++;
    } else {
        memcpy(out, "xl", 3);
        len = 2;
    }
    out[len] = '\0';
    while (*s) {
        const char *end = strchr(s, '/');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (len == 0)
                return false;
            char *slash = memrchr(out, '/', len);
            len = slash ? (size_t)(slash - out) : 0;
            out[len] = '\0';
        } else if (n > 0 && !(n == 1 && s[0] == '.')) {
            if (len + 1 + n + 1 > PART_NAME_SIZE)
                return false;
            if (len)
                out[len++] = '/';
            memcpy(out + len, s, n);
            len += n;
            out[len] = '\0';
        }
        s += n + (end ? 1 : 0);
    }
    return len > 0;
}

/* Whether `s` ends with `suffix`. */
static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The parts xl/_rels/workbook.xml.rels points at. */
typedef struct {
    char sheet[PART_NAME_SIZE], strings[PART_NAME_SIZE], styles[PART_NAME_SIZE];
    bool has_sheet, has_strings, has_styles;
} workbook_parts;

/* Notes the relationship the reader is on if it is the sheet's, the shared strings' or the
 * styles'. */
static xlsx_status consider_relationship(part *p, const char *rid, workbook_parts *w)
{
    char *id = xlsxr_attr(p, "Id"), *type = xlsxr_attr(p, "Type"),
         *target = xlsxr_attr(p, "Target");
    char *mode = xlsxr_attr(p, "TargetMode");
    bool external = mode && strcmp(mode, "External") == 0;
    xlsx_status st = XLSX_OK;
    char *slot = NULL;
    bool *has = NULL;
    if (id && strcmp(id, rid) == 0 && !w->has_sheet)
        slot = w->sheet, has = &w->has_sheet;
    else if (type && ends_with(type, "/sharedStrings") && !w->has_strings)
        slot = w->strings, has = &w->has_strings;
    else if (type && ends_with(type, "/styles") && !w->has_styles)
        slot = w->styles, has = &w->has_styles;
    if (slot) {
        if (!target || external || !resolve_target(target, slot))
            st = xlsxr_fail(p->b, XLSX_MALFORMED,
                            "xl/_rels/workbook.xml.rels has a target that is not in the workbook");
        *has = true;
    }
    xmlFree(id);
    xmlFree(type);
    xmlFree(target);
    xmlFree(mode);
    return st;
}

/* Reads xl/_rels/workbook.xml.rels for the parts of the sheet `rid`, the shared strings and the
 * styles (xl/sharedStrings.xml and xl/styles.xml when it names none). */
static xlsx_status read_relationships(book *b, const char *rid, workbook_parts *w)
{
    part p;
    bool found, more = true;
    xlsx_status st = xlsxr_part_open(b, &p, "xl/_rels/workbook.xml.rels", &found);
    if (st == XLSX_OK && !found)
        st = xlsxr_fail(b, XLSX_MALFORMED, "the workbook has no xl/_rels/workbook.xml.rels");
    while (st == XLSX_OK && (st = xlsxr_part_next(&p, &more)) == XLSX_OK && more) {
        if (p.type == XML_READER_TYPE_ELEMENT && p.kind == K_RELATIONSHIP &&
            xlsxr_kind_at(&p, p.depth - 1) == K_RELATIONSHIPS)
            st = consider_relationship(&p, rid, w);
    }
    xlsxr_part_close(&p);
    if (st != XLSX_OK)
        return st;
    if (!w->has_sheet)
        return xlsxr_fail(b, XLSX_MALFORMED,
                          "xl/_rels/workbook.xml.rels does not say where the sheet is");
    if (!w->has_strings)
        strcpy(w->strings, "xl/sharedStrings.xml");
    if (!w->has_styles)
        strcpy(w->styles, "xl/styles.xml");
    return XLSX_OK;
}

/* ---- the workbook ---------------------------------------------------------------------- */

/* Reads the chosen sheet of the opened workbook into *rows and *sheet_name. */
static xlsx_status read_book(book *b, const char *sheet, json_t **rows, char **sheet_name)
{
    workbook_info w = {.wanted = sheet};
    workbook_parts parts = {0};
    book_context ctx = {0};
    sheet_reader s = {.b = b, .ctx = &ctx};
    xlsx_status st = read_workbook(b, &w);
    if (st == XLSX_OK && (!w.rid || !w.name)) { /* never after XLSX_OK; said for the analyser */
        (void)xlsxr_fail(b, XLSX_MALFORMED, "xl/workbook.xml names no sheet");
        st = XLSX_MALFORMED;
    }
    ctx.date1904 = w.date1904;
    if (st == XLSX_OK)
        st = read_relationships(b, w.rid, &parts);
    if (st == XLSX_OK)
        st = xlsxr_read_styles(b, parts.styles, &ctx);
    if (st == XLSX_OK)
        st = xlsxr_read_shared_strings(b, parts.strings, &ctx.sst);
    if (st == XLSX_OK) {
        s.rows = json_array();
        st = s.rows ? xlsxr_read_sheet(&s, parts.sheet) : xlsxr_no_memory(b);
    }
    if (st == XLSX_OK) {
        *sheet_name = strdup(w.name);
        st = *sheet_name ? XLSX_OK : xlsxr_no_memory(b);
    }
    if (st == XLSX_OK) {
        *rows = s.rows;
        s.rows = NULL;
    }
    json_decref(s.cells);
    json_decref(s.rows);
    free(s.value.data);
    free(s.inline_text.data);
    xlsxr_free_shared_strings(&ctx.sst);
    free(ctx.date_styles);
    xmlFree(w.name);
    xmlFree(w.rid);
    return st;
}

xlsx_status xlsx_read(const void *data, size_t len, const xlsx_limits *limits, const char *sheet,
                      json_t **rows, char **sheet_name, char *why, size_t why_size)
{
    *rows = NULL;
    *sheet_name = NULL;
    if (why && why_size)
        why[0] = '\0';
    xmlInitParser(); /* once per process; thread-safe and idempotent */
    /* The generic handler is the calling thread's own (libxml2 keeps it per thread): set for
     * this call only, then given back. */
    xmlGenericErrorFunc saved_handler = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, xlsxr_ignore_error);
    book b = {.limits = limits ? limits : &xlsx_default_limits, .why = why, .why_size = why_size};
    xlsx_status st = xlsxr_open_zip(&b, data, len);
    if (st == XLSX_OK)
        st = read_book(&b, sheet, rows, sheet_name);
    if (b.zip)
        zip_discard(b.zip);
    xmlSetGenericErrorFunc(saved_context, saved_handler);
    return st;
}
