/* chart_marks.c: how a chart's series are told apart in black-and-white print (see
 * chart_internal.h): hatching patterns for bars, dashes and markers for lines, and the dashed
 * target line. */
#include "render/chart_internal.h"

/* A black-on-white hatching tile of `kind` (0 … NFILLS-1) as a repeating pattern; a recording
 * surface, so it stays vector in a PDF. The caller destroys it. */
static cairo_pattern_t *hatch_new(int kind)
{
    const double s = 6.0;
    cairo_rectangle_t ext = {0, 0, s, s};
    cairo_surface_t *tile = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
    cairo_t *t = cairo_create(tile);
    cairo_set_source_rgb(t, 1, 1, 1);
    cairo_paint(t);
    cairo_set_source_rgb(t, 0, 0, 0);
    cairo_set_line_width(t, 0.7);
    cairo_set_line_cap(t, CAIRO_LINE_CAP_SQUARE);
    switch (kind) {
    case 0: /* "/" diagonals, with corner pieces so the tiles join */
        cairo_move_to(t, 0, s);
        cairo_line_to(t, s, 0);
        cairo_move_to(t, -1, 1);
        cairo_line_to(t, 1, -1);
        cairo_move_to(t, s - 1, s + 1);
        cairo_line_to(t, s + 1, s - 1);
        cairo_stroke(t);
        break;
    case 1: /* cross-hatch */
        cairo_move_to(t, 0, s / 2);
        cairo_line_to(t, s, s / 2);
        cairo_move_to(t, s / 2, 0);
        cairo_line_to(t, s / 2, s);
        cairo_stroke(t);
        break;
    case 2: /* dots */
        cairo_arc(t, s / 2, s / 2, 0.9, 0, 2 * G_PI);
        cairo_fill(t);
        break;
    case 3: /* "\" diagonals */
        cairo_move_to(t, 0, 0);
        cairo_line_to(t, s, s);
        cairo_move_to(t, s - 1, -1);
        cairo_line_to(t, s + 1, 1);
        cairo_move_to(t, -1, s - 1);
        cairo_line_to(t, 1, s + 1);
        cairo_stroke(t);
        break;
    case 4: /* horizontal lines */
        cairo_set_line_cap(t, CAIRO_LINE_CAP_BUTT);
        cairo_move_to(t, 0, s / 2);
        cairo_line_to(t, s, s / 2);
        cairo_stroke(t);
        break;
    default: /* solid mid grey */
        cairo_set_source_rgb(t, 0.55, 0.55, 0.55);
        cairo_paint(t);
        break;
    }
    cairo_destroy(t);
    cairo_pattern_t *p = cairo_pattern_create_for_surface(tile);
    cairo_surface_destroy(tile);
    cairo_pattern_set_extend(p, CAIRO_EXTEND_REPEAT);
    return p;
}

void chart_fill_series(plot *p, size_t s)
{
    size_t k = s % NFILLS;
    if (!p->fills[k])
        p->fills[k] = hatch_new((int)k);
    cairo_set_source(p->cr, p->fills[k]);
    cairo_fill_preserve(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, 0.5);
    cairo_stroke(p->cr);
}

void chart_dash_series(cairo_t *cr, size_t s)
{
    static const double dashed[] = {4, 2}, dotted[] = {1.2, 1.8}, dash_dot[] = {6, 2, 1.2, 2};
    switch (s % 4) {
    case 0:
        cairo_set_dash(cr, NULL, 0, 0);
        break;
    case 1:
        cairo_set_dash(cr, dashed, 2, 0);
        break;
    case 2:
        cairo_set_dash(cr, dotted, 2, 0);
        break;
    default:
        cairo_set_dash(cr, dash_dot, 4, 0);
        break;
    }
}

void chart_marker(cairo_t *cr, size_t s, double x, double y)
{
    const double r = 2.4;
    bool open = false;
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_new_path(cr);
    switch (s % 6) {
    case 0:
        cairo_arc(cr, x, y, r, 0, 2 * G_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        open = true;
        break;
    case 2:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
        cairo_close_path(cr);
        break;
    case 3:
        cairo_move_to(cr, x, y - r * 1.3);
        cairo_line_to(cr, x + r * 1.3, y);
        cairo_line_to(cr, x, y + r * 1.3);
        cairo_line_to(cr, x - r * 1.3, y);
        cairo_close_path(cr);
        open = true;
        break;
    case 4:
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x + r, y - r);
        cairo_line_to(cr, x - r, y + r);
        cairo_stroke(cr);
        return;
    default:
        cairo_arc(cr, x, y, r, 0, 2 * G_PI);
        open = true;
        break;
    }
    if (open) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
}

void chart_target_line(cairo_t *cr, double x0, double x1, double y)
{
    static const double dash[] = {5, 3};
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}
