/* docx.h: a document (domain/document.h) as WordprocessingML (DOCX) for officers to edit before
 * signing: real Word styles (Heading 1–3, Table Grid), "Times New Roman" as the font name, the
 * administrative frame of Decree 30/2020/NĐ-CP Appendix I, charts as PNG images drawn by
 * render/chart.h, packed in memory with libzip.
 *
 * Ownership: borrows the document and the font map (for the charts and for measuring the frame's
 * rules); the DOCX's bytes are the caller's (free(out->data)). */
#ifndef PLANMON_RENDER_DOCX_H
#define PLANMON_RENDER_DOCX_H

#include <pango/pangocairo.h>
#include <stdbool.h>

#include "domain/document.h"
#include "render/bytes.h"

/* Renders `doc` into `out` (empty on entry); false when the document failed to build, memory ran
 * out or libzip or cairo reported an error (then `out` is freed and empty). */
bool render_docx(const document *doc, PangoFontMap *map, render_bytes *out);

#endif
