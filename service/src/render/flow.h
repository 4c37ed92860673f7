/* flow.h: the page flow of the PDF renderer (render/pdf.h). A4 pages in points, a cursor going
 * down the text box, Pango layouts in RENDER_FONT_FAMILY, text broken between lines across pages
 * with widow and orphan control, keep-together checks, and page numbers from page 2 (13 pt,
 * centred in the top margin).
 *
 * Ownership: a flow borrows its cairo and Pango contexts; the layouts it makes are the caller's
 * (g_object_unref). Not thread-safe: one flow per render, on the render's thread. */
#ifndef PLANMON_RENDER_FLOW_H
#define PLANMON_RENDER_FLOW_H

#include <pango/pangocairo.h>
#include <stdbool.h>

typedef struct {
    cairo_t *cr;
    PangoContext *ctx;  /* of the render's font map, for cr */
    double x, width;    /* the text box's left edge and width */
    double top, bottom; /* its top and bottom edges, the same on every page */
    double y;           /* the cursor: where the next block starts */
    int page;           /* the current page, from 1 */
    bool failed;        /* memory ran out: the output is not to be used */
} render_flow;

/* Styles of flow_text. */
enum { FLOW_BOLD = 1u << 0, FLOW_ITALIC = 1u << 1 };

/* A layout of `text` (plain text, never markup; NULL prints nothing) at `size` pt in the given
 * FLOW_* style, wrapped at `width` pt (words, or characters inside a word too long), aligned. The
 * caller owns it (g_object_unref). */
PangoLayout *flow_text(render_flow *f, const char *text, double width, double size, unsigned style,
                       PangoAlignment align);

/* The logical height of `l`, and the width of its widest line, in points. */
double flow_height(PangoLayout *l);
double flow_width(PangoLayout *l);

/* The height of the first `n` lines of `l` (all of them when it has fewer), in points. */
double flow_lines_height(PangoLayout *l, int n);

/* Shows `l` with its top left corner at (x, y), in black. */
void flow_show(render_flow *f, PangoLayout *l, double x, double y);

/* Draws a horizontal rule of `len` pt centred on cx at height y. */
void flow_rule(render_flow *f, double cx, double y, double len);

/* Whether the cursor is at the top of a page (nothing is gained by a new page). */
bool flow_at_top(const render_flow *f);

/* Ends the page and starts the next one (its number drawn from page 2), cursor at the top. */
void flow_new_page(render_flow *f);

/* Starts a new page unless `h` pt fit under the cursor or the cursor is at the top already (a
 * block taller than a page then overflows rather than looping). */
void flow_keep(render_flow *f, double h);

/* Flows `l` down from the cursor at left edge x, breaking pages between its lines, never leaving
 * one line of it alone at the foot or the head of a page; then moves the cursor `after` pt
 * further. */
void flow_lines(render_flow *f, PangoLayout *l, double x, double after);

#endif
