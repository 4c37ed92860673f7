/* document.h: a report as a document, independent of its file format. A tree of blocks (headings,
 * paragraphs, tables, charts) under the administrative frame of Decree 30/2020/NĐ-CP, Appendix I
 * (issuing body, national title, number and date, type and summary, recipients, signer). The
 * renderers (render/pdf.h, render/docx.h) draw the same tree; nothing in it knows a format.
 *
 * Ownership: the document owns every string and array in it. The adding functions copy their
 * arguments (after normalising them to Unicode NFC, so extracted text compares equal to the
 * data), never keep a caller's pointer, and never fail loudly: on exhaustion they set the
 * document's `failed` flag, which the renderers check first. Not thread-safe; one document is
 * built and rendered by one thread. */
#ifndef PLANMON_DOMAIN_DOCUMENT_H
#define PLANMON_DOMAIN_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

/* The administrative frame. Every string is NFC UTF-8, already in the case it is printed in. */
typedef struct {
    char *body_parent; /* the issuing body's direct parent, upper case, not bold ("ỦY BAN NHÂN DÂN
                          TỈNH AN GIANG"); or the first line of a People's Committee's own name
                          ("ỦY BAN NHÂN DÂN"), then bold: see body_parent_bold */
    bool body_parent_bold;
    char *body_name; /* the issuing body, upper case, bold, a short rule under it */
    char *national;  /* "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold */
    char *motto; /* "Độc lập - Tự do - Hạnh phúc", bold, a rule of its own width under it */
    char *number;     /* "Số: …/BC-SLĐTBXH" (13 pt, upright, centred under the body) */
    char *place_date; /* "An Giang, ngày 05 tháng 01 năm 2018" (italic, centred on the right) */
    char *doc_type;   /* "BÁO CÁO" (bold, centred) */
    char *summary;    /* the summary line under the type (bold, centred, a short rule under it) */
    char **recipients; /* the entries of "Nơi nhận:", each a whole line ("- Ủy ban nhân dân tỉnh;",
                          "- Lưu: VT, SLĐTBXH.") */
    size_t nrecipients;
    char **signer_lines; /* the signer's capacity and title, upper case, one line each ("KT. GIÁM
                            ĐỐC", "PHÓ GIÁM ĐỐC"); none when not given */
    size_t nsigner_lines;
    char *signer_name; /* the signer's full name (bold), or NULL */
    char *file_title;  /* the file's own title (PDF metadata, DOCX core properties) */
    char *created;     /* the file's creation date, "YYYY-MM-DD" (the clock's today, so a render
                          is reproducible) */
} doc_frame;

typedef enum { DOC_HEADING, DOC_PARAGRAPH, DOC_TABLE, DOC_CHART } doc_block_kind;

/* Paragraph flags. */
enum {
    DOC_BOLD = 1u << 0,
    DOC_ITALIC = 1u << 1,
    DOC_CENTER = 1u << 2,    /* centred (default: justified, first line indented 1 cm) */
    DOC_NO_INDENT = 1u << 3, /* justified, no first-line indent (list items "- …") */
};

typedef enum { DOC_LEFT, DOC_RIGHT, DOC_MIDDLE } doc_align;

typedef struct {
    char *caption; /* above the table, centred italic; or NULL */
    size_t ncols;
    char **headers;    /* ncols header cells (bold, centred, repeated on each page) */
    double *widths;    /* ncols shares of the text width, summing to 1 */
    doc_align *aligns; /* ncols alignments of the body cells */
    char **cells;      /* nrows × ncols, row by row; an empty cell is "" */
    size_t nrows, cap_rows;
} doc_table;

typedef enum {
    DOC_CHART_BARS,    /* one bar per category and series, with the target as a dashed line */
    DOC_CHART_LINES,   /* one line per series across the categories (periods) */
    DOC_CHART_STACKED, /* one stacked bar per category: the series are its parts */
} doc_chart_kind;

typedef struct {
    doc_chart_kind kind;
    char *title;   /* under the chart, as its caption ("Biểu đồ 1. …") */
    char *y_label; /* the value axis ("Tỷ lệ (%)", "Số báo cáo") */
    size_t ncats, nseries;
    char **cats;        /* ncats category labels (districts, periods, agencies) */
    char **series;      /* nseries series names, for the legend */
    double *values;     /* nseries × ncats, series by series; NAN where there is no value */
    double ymax;        /* the top of the value axis (> 0) */
    double target;      /* a dashed target line at this value (bars), or NAN for none */
    char *target_label; /* the legend's name of the target line, or NULL */
} doc_chart;

typedef struct {
    doc_block_kind kind;
    int level;      /* a heading's level: 1 (I. …, upper case), 2 (1. …), 3 (a) …) */
    unsigned flags; /* a paragraph's DOC_* flags */
    char *text;     /* a heading's or a paragraph's text */
    doc_table *table;
    doc_chart *chart;
} doc_block;

typedef struct document {
    doc_frame frame;
    doc_block *blocks;
    size_t nblocks, cap_blocks;
    bool failed; /* an allocation failed while building: render nothing, answer 500 */
} document;

/* A new empty document, with the national title and motto already in its frame; NULL when out
 * of memory. The caller owns it (document_free). */
document *document_new(void);

/* Frees `d` and everything in it; NULL is a no-op. */
void document_free(document *d);

/* Sets frame string `*field` (a member of d->frame) to an NFC copy of `text` (NULL clears it). */
void doc_frame_set(document *d, char **field, const char *text);

/* Appends an NFC copy of `line` to the frame's recipients or signer lines. */
void doc_frame_recipient(document *d, const char *line);
void doc_frame_signer_line(document *d, const char *line);

/* Appends a heading of `level` (1–3), or a paragraph with DOC_* `flags`; printf-style. */
void doc_heading(document *d, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void doc_paragraph(document *d, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends a table of `ncols` columns with these headers, width shares and alignments; returns it
 * for doc_table_row, or NULL (and d->failed) when out of memory. The document owns it. */
doc_table *doc_table_add(document *d, const char *caption, size_t ncols, const char *const *headers,
                         const double *widths, const doc_align *aligns);

/* Appends a row of the table's ncols cells (NULL cells print as ""). */
void doc_table_row(document *d, doc_table *t, const char *const *cells);

/* Appends a chart of `ncats` categories and `nseries` series, every value NAN, no target; returns
 * it for doc_chart_set and doc_chart_label, or NULL (and d->failed). The document owns it. */
doc_chart *doc_chart_add(document *d, doc_chart_kind kind, const char *title, const char *y_label,
                         size_t ncats, size_t nseries, double ymax);

/* Names category `c` or series `s` of a chart (NFC copies). */
void doc_chart_cat(document *d, doc_chart *ch, size_t c, const char *label);
void doc_chart_series(document *d, doc_chart *ch, size_t s, const char *name);

/* The value of series `s` at category `c`. */
static inline double *doc_chart_value(doc_chart *ch, size_t s, size_t c)
{
    return &ch->values[s * ch->ncats + c];
}

/* Sets the dashed target line of a bar chart and its legend name. */
void doc_chart_target(document *d, doc_chart *ch, double target, const char *label);

#endif
