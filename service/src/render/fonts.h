/* fonts.h: the fonts of rendered documents. A private fontconfig configuration that holds only
 * Liberation Serif 2.x (Debian fonts-liberation2, metric-compatible with Times New Roman and
 * covering Vietnamese), loaded from its files, so the system's configuration (and the older
 * fonts-liberation 1.07, which has no Vietnamese) can never be picked; and a pool of Pango font
 * maps over it. A font map is not thread-safe: a render checks one out, uses it on its own
 * thread, and gives it back.
 *
 * Ownership: the pool owns the configuration and the maps; render_fonts_free releases them and
 * the libraries' process-wide caches (call it once, at exit, after the last render). */
#ifndef PLANMON_RENDER_FONTS_H
#define PLANMON_RENDER_FONTS_H

#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

/* Where Debian's fonts-liberation2 puts Liberation Serif 2.x. */
#define RENDER_FONT_DIR "/usr/share/fonts/truetype/liberation2"
/* The family every renderer asks for; Word substitutes the real Times New Roman where it has it. */
#define RENDER_FONT_FAMILY "Liberation Serif"
#define RENDER_DOCX_FONT "Times New Roman"

typedef struct render_fonts render_fonts;

/* A pool of `size` (≥ 1) font maps over the private configuration, or NULL with a reason in
 * `why` (e.g. a font file missing, or one without Vietnamese). The caller owns it. */
render_fonts *render_fonts_new(size_t size, char *why, size_t why_size);

/* A font map for one render, or NULL when all `size` are in use (the caller answers 503). The
 * caller gives it back with render_fonts_put, from the same thread, before anything else uses
 * it. Thread-safe. */
PangoFontMap *render_fonts_take(render_fonts *fonts);
void render_fonts_put(render_fonts *fonts, PangoFontMap *map);

/* A new Pango context of `map` for drawing on `cr` in points (resolution 72, no hinting, no
 * rounding of glyph positions, language vi). Call again (pango_cairo_update_context) after the
 * transformation of `cr` changes. The caller owns it (g_object_unref). */
PangoContext *render_context_new(PangoFontMap *map, cairo_t *cr);

/* Frees the pool (no map may be out) and the font libraries' process caches; NULL is a no-op. */
void render_fonts_free(render_fonts *fonts);

#endif
