/* pdf.h: a document (domain/document.h) as a PDF: A4, the administrative frame of Decree
 * 30/2020/NĐ-CP Appendix I, Liberation Serif embedded as subsets, charts as vectors.
 *
 * Ownership: borrows the document and the font map (checked out by the caller, used on this
 * thread only); the PDF's bytes are the caller's (free(out->data)). */
#ifndef PLANMON_RENDER_PDF_H
#define PLANMON_RENDER_PDF_H

#include <pango/pangocairo.h>
#include <stdbool.h>

#include "domain/document.h"
#include "render/bytes.h"

/* Renders `doc` into `out` (empty on entry); false when the document failed to build, memory ran
 * out or cairo reported an error (then `out` is freed and empty: never half a file). */
bool render_pdf(const document *doc, PangoFontMap *map, render_bytes *out);

#endif
