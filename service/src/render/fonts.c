/* fonts.c: a private fontconfig configuration holding only Liberation Serif 2.x, and a pool of
 * Pango font maps over it (see fonts.h). */
#include "render/fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct render_fonts {
    FcConfig *config;    /* built once, read-only afterwards; shared by every map */
    PangoFontMap **maps; /* all `size` maps, for render_fonts_free */
    PangoFontMap **idle; /* the `nidle` maps not checked out */
    size_t size, nidle;
    pthread_mutex_t lock; /* guards idle and nidle */
};

/* The four faces of Liberation Serif 2.x, under RENDER_FONT_DIR. */
static const char *const font_files[] = {
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
};
#define NFONT_FILES (sizeof font_files / sizeof font_files[0])

/* Writes the printf-style reason into `why` (when the caller gave room for one). */
static void say(char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t why_size, const char *fmt, ...)
{
    if (!why || !why_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
}

/* A configuration holding only the faces of font_files, each covering Vietnamese ("vi" in its
 * FC_LANG); NULL with a reason otherwise. The caller owns it (FcConfigDestroy). */
static FcConfig *config_new(char *why, size_t why_size)
{
    FcConfig *config = FcConfigCreate(); /* empty: no system files, directories or rules */
    if (!config) {
        say(why, why_size, "fontconfig: out of memory");
        return NULL;
    }
    char path[512];
    for (size_t i = 0; i < NFONT_FILES; i++) {
        snprintf(path, sizeof path, "%s/%s", RENDER_FONT_DIR, font_files[i]);
        if (!FcConfigAppFontAddFile(config, (const FcChar8 *)path)) {
            say(why, why_size, "font file %s is missing or unreadable (Debian: fonts-liberation2)",
                path);
            FcConfigDestroy(config);
            return NULL;
        }
    }
    FcFontSet *set = FcConfigGetFonts(config, FcSetApplication);
    if (!set || set->nfont != (int)NFONT_FILES) {
        say(why, why_size, "fontconfig: expected %zu faces of Liberation Serif, found %d",
            NFONT_FILES, set ? set->nfont : 0);
        FcConfigDestroy(config);
        return NULL;
    }
    for (int i = 0; i < set->nfont; i++) {
        FcLangSet *langs = NULL;
        FcChar8 *file = NULL;
        FcPatternGetString(set->fonts[i], FC_FILE, 0, &file);
        if (FcPatternGetLangSet(set->fonts[i], FC_LANG, 0, &langs) != FcResultMatch ||
            FcLangSetHasLang(langs, (const FcChar8 *)"vi") != FcLangEqual) {
            say(why, why_size, "font %s does not cover Vietnamese (not Liberation Serif 2.x?)",
                file ? (const char *)file : "?");
            FcConfigDestroy(config);
            return NULL;
        }
    }
    return config;
}

/* A PangoCairo font map over `config` at 72 dpi (1 pt = 1 user unit on a PDF page), or NULL. */
static PangoFontMap *map_new(FcConfig *config)
{
    PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!map)
        return NULL;
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config); /* takes its own reference */
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
    return map;
}

/* Releases a map of map_new. Pango < 1.54 never drops the configuration's reference taken by
 * pango_fc_font_map_set_config (fixed upstream in 1.54.0), so detach it first. */
static void map_free(PangoFontMap *map)
{
    if (!map)
        return;
#if !PANGO_VERSION_CHECK(1, 54, 0)
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), NULL);
#endif
    g_object_unref(map);
}

/* Frees the pool's maps, configuration and memory (not the libraries' process caches). */
static void pool_release(render_fonts *fonts)
{
    for (size_t i = 0; fonts->maps && i < fonts->size; i++)
        map_free(fonts->maps[i]);
    if (fonts->config)
        FcConfigDestroy(fonts->config);
    free(fonts->maps);
    free(fonts->idle);
    free(fonts);
}

render_fonts *render_fonts_new(size_t size, char *why, size_t why_size)
{
    if (size < 1)
        size = 1;
    render_fonts *fonts = calloc(1, sizeof *fonts);
    if (!fonts) {
        say(why, why_size, "out of memory");
        return NULL;
    }
    fonts->config = config_new(why, why_size);
    if (!fonts->config) {
        free(fonts);
        return NULL;
    }
    fonts->maps = calloc(size, sizeof *fonts->maps);
    fonts->idle = calloc(size, sizeof *fonts->idle);
    if (!fonts->maps || !fonts->idle) {
        say(why, why_size, "out of memory");
        pool_release(fonts);
        return NULL;
    }
    fonts->size = size;
    for (size_t i = 0; i < size; i++) {
        fonts->maps[i] = map_new(fonts->config);
        if (!fonts->maps[i]) {
            say(why, why_size, "pango: cannot create a font map");
            pool_release(fonts);
            return NULL;
        }
        fonts->idle[i] = fonts->maps[i];
    }
    fonts->nidle = size;
    if (pthread_mutex_init(&fonts->lock, NULL) != 0) {
        say(why, why_size, "cannot create a mutex");
        pool_release(fonts);
        return NULL;
    }
    return fonts;
}

PangoFontMap *render_fonts_take(render_fonts *fonts)
{
    PangoFontMap *map = NULL;
    pthread_mutex_lock(&fonts->lock);
    if (fonts->nidle > 0)
        map = fonts->idle[--fonts->nidle];
    pthread_mutex_unlock(&fonts->lock);
    return map;
}

void render_fonts_put(render_fonts *fonts, PangoFontMap *map)
{
    if (!map)
        return;
    pthread_mutex_lock(&fonts->lock);
    if (fonts->nidle < fonts->size)
        fonts->idle[fonts->nidle++] = map;
    pthread_mutex_unlock(&fonts->lock);
}

PangoContext *render_context_new(PangoFontMap *map, cairo_t *cr)
{
    PangoContext *ctx = pango_font_map_create_context(map);
    cairo_font_options_t *options = cairo_font_options_create();
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(ctx, options);
    cairo_font_options_destroy(options);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_context_set_language(ctx, pango_language_from_string("vi"));
    pango_cairo_update_context(cr, ctx);
    return ctx;
}

void render_fonts_free(render_fonts *fonts)
{
    if (!fonts)
        return;
    pthread_mutex_destroy(&fonts->lock);
    pool_release(fonts);             /* maps first, then our reference on the configuration */
    cairo_debug_reset_static_data(); /* cairo's FreeType faces and scaled-font caches */
    FcFini();                        /* fontconfig's default configuration (Pango's FcInit) */
}
