/* docx_internal.h: private to the DOCX renderer (render/docx*.c). The page and chart geometry,
 * one render's state, the WordprocessingML building blocks (docx_wml.c: runs, paragraphs, rules,
 * tables and cells), the body writer (docx_body.c) and text measuring (docx.c).
 *
 * Ownership: the docx_wml.c functions append markup to a buffer the caller owns (xml_buf_free)
 * and borrow their strings; docx_text_width borrows its context and text; docx_write_document
 * borrows the document, writes into st->x and adds one PNG per chart to st->pngs, which the
 * caller (render_docx) owns and frees. */
#ifndef PLANMON_RENDER_DOCX_INTERNAL_H
#define PLANMON_RENDER_DOCX_INTERNAL_H

#include <math.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/document.h"
#include "render/bytes.h"
#include "render/xml.h"

/* A4 portrait and Decree 30 margins, in twips (1/20 pt). */
enum {
    PAGE_W = 11906,
    PAGE_H = 16838,
    MARGIN_TOP = 1134,
    MARGIN_BOTTOM = 1134,
    MARGIN_LEFT = 1701,
    MARGIN_RIGHT = 850,
    TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT, /* 9355 tw = 467.75 pt */
};

/* Charts: drawn at 440 × 260 pt, rasterised at 2 px per point (144 dpi). */
#define CHART_W 440.0
#define CHART_H 260.0
#define CHART_SCALE 2.0

#define TW(pt) ((int)lround((pt)*20.0))      /* points → twips */
#define EMU(pt) ((long)lround((pt)*12700.0)) /* points → English Metric Units */

/* Run flags. */
enum { RUN_B = 1, RUN_I = 2 };

/* One render's state. Borrows the document and the measuring context; owns `pngs` (one per
 * chart, freed by render_docx). */
typedef struct {
    xml_buf *x;            /* word/document.xml, being written */
    PangoContext *measure; /* a context of the render's font map, for text widths */
    PangoFontMap *map;
    render_bytes *pngs; /* the charts' PNGs, in order: word/media/image<i+1>.png */
    size_t npngs;
    int left_tw, right_tw; /* the frame's and the closing block's column widths */
    bool failed;           /* a chart or a measurement failed */
} docx_state;

/* docx_wml.c: WordprocessingML building blocks. */

/* Appends a run of `text` with RUN_* `flags` at `half_pts` (0: the style's size). */
void docx_run(xml_buf *x, const char *text, unsigned flags, int half_pts);

/* Opens a paragraph of `style` (NULL: Normal); `extra` is pPr elements in schema order between
 * pStyle and jc (keepNext, pBdr, spacing, ind); `jc` the alignment or NULL. */
void docx_p_open(xml_buf *x, const char *style, const char *extra, const char *jc);

/* A whole paragraph holding one run. */
void docx_para(xml_buf *x, const char *style, const char *extra, const char *jc, const char *text,
               unsigned flags, int half_pts);

/* A short horizontal rule `len_tw` long, centred in a box `box_tw` wide: an empty hairline
 * paragraph whose bottom border is narrowed by equal indents; `after_tw` of space below. */
void docx_rule(xml_buf *x, int box_tw, int len_tw, int after_tw);

/* A 6-pt empty paragraph: keeps Word from merging adjacent tables, and ends the body. */
void docx_spacer(xml_buf *x);

/* Opens a table of `style` with `ncols` fixed columns `cols` (twips); `borderless` drops every
 * border and the side cell margins (the frame and the closing block). */
void docx_tbl_open(xml_buf *x, const char *style, const int *cols, size_t ncols, bool borderless);

/* Opens a cell `w_tw` wide, vertically aligned `valign`, shaded `fill` (hex RGB) or not. */
void docx_tc_open(xml_buf *x, int w_tw, const char *valign, const char *fill);

/* docx.c: measuring. */

/* The width in points of the widest line of `text` in the render's serif at `size` pt (bold or
 * not), wrapped at `wrap_pt`; 0 for NULL text. Liberation Serif has Times New Roman's metrics. */
double docx_text_width(PangoContext *ctx, const char *text, double size, bool bold, double wrap_pt);

/* docx_body.c: the body. */

/* word/document.xml into st->x: the frame, the blocks, the closing block and the section. */
void docx_write_document(docx_state *st, const document *doc);

#endif
