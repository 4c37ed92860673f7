/* chart_internal.h: private to the chart renderer (render/chart*.c), not for other modules. The
 * drawing state shared by its files (the plot area, the series' fills, the label sizes) and the
 * pieces chart.c assembles into a chart: text (chart_text.c: Pango text, legend, category and
 * value labels), marks (chart_marks.c: hatchings, dashes, markers, the target line) and the plot
 * (chart_plot.c: axes, bars, stacked bars, lines).
 *
 * Ownership: chart_text_new returns a layout the caller unrefs (g_object_unref); chart_str
 * returns its argument or a static ""; chart_fill_series creates the hatching of a series in
 * p->fills on first use, and whoever made the plot (chart_draw) destroys the fills
 * (cairo_pattern_destroy). Every other function borrows its arguments and returns nothing to
 * free; none keeps a pointer after it returns. */
#ifndef PLANMON_RENDER_CHART_INTERNAL_H
#define PLANMON_RENDER_CHART_INTERNAL_H

#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/document.h"

#define LABEL_SIZE 9.0 /* axis, category and legend text (pt) */
#define VALUE_SIZE 8.0 /* value labels, shrunk down to VALUE_MIN when the bars are narrow */
#define VALUE_MIN 6.0
#define NFILLS 6 /* distinct hatchings; series beyond reuse them */
#define LEGEND_ROW 13.0
#define SWATCH 18.0 /* width of a legend sample */

/* The drawing in progress: the plot area and the fills of the series. */
typedef struct {
    cairo_t *cr;
    PangoContext *ctx;
    const doc_chart *chart;
    double px, py, pw, ph; /* the plot area (inside the axes) */
    double slot;           /* width of one category */
    cairo_pattern_t *fills[NFILLS];
} plot;

/* How the category labels are set under the axis. */
typedef enum { CATS_FLAT, CATS_WRAPPED, CATS_TURNED } cats_mode;

/* chart_text.c: text in RENDER_FONT_FAMILY and the chart's labels. */

/* `text`, or "" for NULL (a chart of a failed document may lack strings). */
const char *chart_str(const char *text);

/* Writes `v` as the document writes numbers (domain/vn_text.h: "75,5", "80", "1.250") into
 * `buf` of `size` bytes. */
void chart_number(char *buf, size_t size, double v);

/* A one-line layout of `text` in RENDER_FONT_FAMILY at `size` pt; the caller unrefs it. */
PangoLayout *chart_text_new(PangoContext *ctx, const char *text, double size, bool bold);

/* The logical width and height of `l` in points. */
void chart_text_size(PangoLayout *l, double *w, double *h);

/* The logical width of `text` at `size` pt. */
double chart_text_width(PangoContext *ctx, const char *text, double size);

/* Shows `l` with the point (ax, ay) of its box (0 left/top … 1 right/bottom) at (x, y). */
void chart_show(cairo_t *cr, PangoLayout *l, double x, double y, double ax, double ay);

/* Shows `l` turned by `angle` (radians, clockwise on the page) about (x, y), anchored as
 * chart_show. */
void chart_show_turned(cairo_t *cr, PangoContext *ctx, PangoLayout *l, double x, double y,
                       double angle, double ax, double ay);

/* Lays the legend out in centred rows within (x, w) from `y`; draws it when `draw`. Returns its
 * height. */
double chart_legend(plot *p, double x, double y, double w, bool draw);

/* Chooses how the category labels fit under slots of p->slot pt, at most `max_h` pt tall; sets
 * `*turned_max` and returns the mode and, in `*height`, the band they need. */
cats_mode chart_cats_layout(plot *p, double max_h, double *turned_max, double *height);

/* Draws the category labels under the axis. */
void chart_cats_draw(plot *p, cats_mode mode, double turned_max);

/* The width of the widest value label of the chart at VALUE_SIZE (for bars: each value; for
 * stacked bars: each part and each total). */
double chart_widest_value(plot *p);

/* Shows the value `v` at `size` pt centred above x with its foot at y (turned upright when
 * `turned`). */
void chart_value_label(plot *p, double v, double size, bool turned, double x, double y);

/* chart_marks.c: how the series are told apart in black and white. */

/* Fills the current path with the hatching of series `s`, outlines it in black and clears it. */
void chart_fill_series(plot *p, size_t s);

/* Sets the dash of line series `s` (solid, dashed, dotted, dash-dot, repeating). */
void chart_dash_series(cairo_t *cr, size_t s);

/* Draws the marker of line series `s` at (x, y): filled circle, open square, filled triangle,
 * open diamond, cross, open circle. */
void chart_marker(cairo_t *cr, size_t s, double x, double y);

/* Draws the dashed target line from x0 to x1 at height y. */
void chart_target_line(cairo_t *cr, double x0, double x1, double y);

/* chart_plot.c: the axes and the data. */

/* The page y of value `v`, clamped to the axis (0 … ymax). */
double chart_y_of(const plot *p, double v);

/* The grid, the ticks and their values, the axes and the turned y label. */
void chart_axes(plot *p, double x, double label_band);

/* Grouped bars: one per series in each category, values above them. */
void chart_bars(plot *p, double bw, double size, bool turned);

/* Stacked bars: the series as parts of one bar per category; the total above it, each part's
 * value inside it when there is room. */
void chart_stacked(plot *p, double bw, double size, bool turned);

/* One line per series across the categories; a missing value breaks the line. */
void chart_lines(plot *p);

#endif
