/* xlsx_internal.h: private to the XLSX reader (domain/xlsx*.c), not for other modules. The
 * state of a read (the book: archive, limits, bytes promised, the reason given; a part streamed
 * through an XML reader; the shared strings and date styles a sheet's cells refer to; the
 * worksheet reader) and the functions the reader's files share, each file one layer:
 *   xlsx.c          xlsx_read, the workbook (xl/workbook.xml: the sheets, the date system) and
 *                   its relationships; the reason for a failure and the growing byte string
 *   xlsx_zip.c      the zip: the end records' entry count, each entry's stat, size and ratio
 *                   limits, reads bounded by the header's size
 *   xlsx_xml.c      the libxml2 reader over an entry: options, DTD and entity refusal, depth,
 *                   error handlers, the element kinds by depth
 *   xlsx_context.c  the shared strings and the styles (which cell styles show dates)
 *   xlsx_cells.c    cell references, a cell's value, date serials
 *   xlsx_sheet.c    the worksheet: its rows and the cells placed in them
 * Their shared functions are named xlsxr_ (the XLSX writer, render/xlsx*.c, has xlsx_ ones).
 *
 * Ownership: a book borrows the limits and the caller's `why`, and owns its zip (xlsx_read
 * discards it); a part owns its zip file, reader and document from xlsxr_part_open to
 * xlsxr_part_close, and borrows its book and name; the shared strings and date styles are owned
 * by the book_context that holds them (freed by xlsx_read); a sheet_reader owns its rows, the row
 * being read and its text buffers. The text xlsxr_attr returns is the caller's (xmlFree it);
 * every other function borrows its arguments. */
#ifndef PLANMON_DOMAIN_XLSX_INTERNAL_H
#define PLANMON_DOMAIN_XLSX_INTERNAL_H

#include <jansson.h>
#include <libxml/xmlreader.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zip.h>

#include "domain/xlsx.h"

#define MIB ((uint64_t)1 << 20)

enum {
    MAX_ROW = 1048576,
    MAX_COLUMN = 16384, /* XFD */
    STACK_DEPTH = 258,  /* element kinds remembered by depth (libxml2 itself stops at 256) */
    CLIP_SIZE = 48,     /* a name from the file quoted in a message: at most 40 bytes and "…" */
};

/* The elements this reader acts on; any other is K_OTHER. */
typedef enum {
    K_OTHER,
    K_WORKBOOK,
    K_WORKBOOKPR,
    K_SHEETS,
    K_SHEET,
    K_RELATIONSHIPS,
    K_RELATIONSHIP,
    K_SST,
    K_SI,
    K_R,
    K_T,
    K_STYLESHEET,
    K_NUMFMTS,
    K_NUMFMT,
    K_CELLXFS,
    K_XF,
    K_SHEETDATA,
    K_ROW,
    K_C,
    K_V,
    K_IS,
} element_kind;

/* The workbook being read: the archive, the limits and the bytes promised so far. */
typedef struct {
    const xlsx_limits *limits;
    zip_t *zip;
    uint64_t total; /* uncompressed bytes of the parts opened, by their headers */
    char *why;
    size_t why_size;
    bool told; /* `why` holds the first reason given */
} book;

/* A growing byte string. */
typedef struct {
    char *data;
    size_t len, cap;
} text_buf;

/* One part streamed through an XML reader, and the node it is on. */
typedef struct {
    book *b;
    const char *name;
    zip_file_t *file;
    uint64_t declared, got;    /* uncompressed size by the header, bytes inflated so far */
    xlsx_status stream_status; /* what the read callback met, XLSX_OK if nothing */
    xmlTextReaderPtr reader;
    xmlDocPtr doc;  /* taken from the reader after an error, to look for a DTD; freed here */
    int error_line; /* of the first XML error, 0 if none */
    bool error_seen;
    unsigned char kinds[STACK_DEPTH]; /* element kinds of the open elements, by depth */
    int type, depth;
    element_kind kind; /* of the element started or ended */
    bool empty;        /* the element started is empty (<x/>): no end node follows */
} part;

/* The shared strings, in one pool. */
typedef struct {
    text_buf pool;
    struct span {
        size_t off, len;
    } * items;
    size_t count, cap;
} shared_strings;

/* What a worksheet's cells need of the rest of the workbook. */
typedef struct {
    shared_strings sst;
    bool *date_styles; /* by cellXfs index */
    size_t nstyles;
    bool date1904;
} book_context;

/* A cell's t attribute. */
typedef enum {
    CELL_NUMBER,
    CELL_SHARED,
    CELL_STRING,
    CELL_INLINE,
    CELL_BOOL,
    CELL_ERROR,
    CELL_DATE,
} cell_type;

/* A worksheet being read into rows. */
typedef struct {
    book *b;
    part *p;
    const book_context *ctx;
    json_t *rows;
    json_t *cells; /* of the row being read, NULL outside a row */
    long row, last_row;
    bool row_adoptable; /* the row had no r: its first cell's reference may say which it is */
    long col;           /* the column of the row's last cell, 0 before its first */
    bool in_cell;
    long cell_col;
    cell_type type;
    long style; /* -1: none */
    text_buf value, inline_text;
    size_t cells_out;
} sheet_reader;

/* xlsx.c: failures and text */

/* Writes the reason for `st` into the caller's `why` (the first reason given wins); returns st. */
__attribute__((format(printf, 3, 4))) xlsx_status xlsxr_fail(book *b, xlsx_status st,
                                                             const char *fmt, ...);
/* The out-of-memory failure. */
xlsx_status xlsxr_no_memory(book *b);
/* Copies `s` (from the file) into `out`, at most 40 bytes of whole UTF-8 characters then "…". */
const char *xlsxr_clip(const char *s, char out[CLIP_SIZE]);
/* Appends `n` bytes at `s` to `t`, keeping it NUL-terminated. */
bool xlsxr_text_append(text_buf *t, const char *s, size_t n);
/* Empties `t`, keeping its memory. */
void xlsxr_text_clear(text_buf *t);

/* xlsx_zip.c: the archive and its entries */

/* Opens the archive over the caller's bytes, refusing what is no zip or has too many entries. */
xlsx_status xlsxr_open_zip(book *b, const void *data, size_t len);
/* Zeroes `p` and opens its zip entry `name` after checking its sizes against the limits; *found
 * is false (and nothing is open) when the archive has no such entry. */
xlsx_status xlsxr_entry_open(book *b, part *p, const char *name, bool *found);
/* libxml2's read callback over the entry of the part `ctx`: never more than its header
 * promised. */
int xlsxr_entry_read(void *ctx, char *buf, int len);
/* Closes the entry xlsxr_entry_open opened, if any. */
void xlsxr_entry_close(part *p);

/* xlsx_xml.c: a part's XML */

/* Opens the part `name` for reading after checking its sizes against the limits; *found is false
 * (and nothing is open) when the archive has no such part. */
xlsx_status xlsxr_part_open(book *b, part *p, const char *name, bool *found);
/* Frees what xlsxr_part_open opened. */
void xlsxr_part_close(part *p);
/* Moves to the next node; *more is false at the end of the part. Refuses DTDs, entities and
 * nesting deeper than the limit. */
xlsx_status xlsxr_part_next(part *p, bool *more);
/* The kind of the open element at `depth`, K_OTHER out of range. */
element_kind xlsxr_kind_at(const part *p, int depth);
/* Whether the node is text (character data, CDATA or white space). */
bool xlsxr_is_text(const part *p);
/* Whether the text node is in the text of a string item <si> or <is> (`item`): in its <t> or in
 * a rich-text run's <t>, never in a phonetic run (<rPh>). */
bool xlsxr_in_string_text(const part *p, element_kind item);
/* Appends the text node's value to `t`. */
xlsx_status xlsxr_append_text(part *p, text_buf *t);
/* The attribute `name` (no namespace) of the element the reader is on; xmlFree it. */
char *xlsxr_attr(const part *p, const char *name);
/* libxml2's generic error handler while a workbook is read: ignores what it is given. */
void xlsxr_ignore_error(void *ctx, const char *msg, ...);

/* xlsx_context.c: shared strings and styles */

/* Reads the shared strings part `name`, if the workbook has it, into `s`. */
xlsx_status xlsxr_read_shared_strings(book *b, const char *name, shared_strings *s);
/* Frees the shared strings. */
void xlsxr_free_shared_strings(shared_strings *s);
/* Reads the styles part `name`, if the workbook has it: which cell styles (cellXfs) are dates. */
xlsx_status xlsxr_read_styles(book *b, const char *name, book_context *ctx);

/* xlsx_cells.c: cell references and values */

/* Parses `text` as a whole decimal number in [0, max] without sign or spaces. */
bool xlsxr_parse_index(const char *text, long max, long *out);
/* "B3" for column 2, row 3. */
const char *xlsxr_cell_name(long col, long row, char out[16]);
/* Parses a cell reference such as "B3" (A1 to XFD1048576, no "$") into its column (A is 1) and
 * row. */
bool xlsxr_parse_ref(const char *ref, long *col, long *row);
/* The value of the cell just read, or NULL (*st XLSX_OK) for an empty one. */
json_t *xlsxr_cell_value(sheet_reader *s, xlsx_status *st);

/* xlsx_sheet.c: the worksheet */

/* Reads the worksheet part `name` into s->rows. */
xlsx_status xlsxr_read_sheet(sheet_reader *s, const char *name);

#endif
