/* xlsx.h: the cells of an XLSX workbook (Office Open XML, as Excel, LibreOffice, openpyxl and
 * libxlsxwriter write it) held in memory, read with libzip and libxml2. It reads what a sheet of
 * values needs: shared and inline strings, numbers, booleans, and dates (cells whose number
 * format is a date format). Formulas are never evaluated: a formula cell gives its cached value,
 * or nothing.
 *
 * Hostile input is refused before it costs: the limits bound the number of zip entries, the
 * uncompressed size of every part read and of all of them, the compression ratio, the XML depth
 * and the number of cells; DTDs and entities are refused outright (no external entity is ever
 * loaded, no entity is expanded). No I/O but the caller's buffer; thread-safe (libxml2 is used
 * through reader contexts of its own, never its global parser state).
 *
 * Ownership: xlsx_read borrows `data`; what it returns is the caller's. */
#ifndef PLANMON_DOMAIN_XLSX_H
#define PLANMON_DOMAIN_XLSX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t max_entries;       /* zip entries in the file (default 1,000) */
    uint64_t max_part_bytes;  /* uncompressed bytes of one part read (default 256 MiB) */
    uint64_t max_total_bytes; /* uncompressed bytes of all parts read (default 512 MiB) */
    double max_ratio;         /* uncompressed / compressed size of a part (default 200) */
    int max_depth;            /* XML element depth (default 64) */
    size_t max_cells;         /* cells of the sheet read (default 2,000,000) */
} xlsx_limits;

/* The limits above. */
extern const xlsx_limits xlsx_default_limits;

typedef enum {
    XLSX_OK,
    XLSX_NOT_ZIP,       /* not a zip archive, or a truncated one */
    XLSX_NOT_WORKBOOK,  /* a zip, but no spreadsheet (a DOCX renamed .xlsx, say) */
    XLSX_NO_SHEET,      /* no worksheet of that name */
    XLSX_TOO_LARGE,     /* an entry count, size, ratio or cell count over its limit */
    XLSX_FORBIDDEN_XML, /* a DTD or an entity */
    XLSX_TOO_DEEP,      /* XML nested deeper than max_depth */
    XLSX_MALFORMED,     /* XML or a cell reference that is not well formed */
    XLSX_NO_MEMORY,
} xlsx_status;

/* Reads the worksheet named `sheet` (NULL: the first in the workbook's order) of the `len` bytes
 * at `data` under `limits` (NULL: xlsx_default_limits). On XLSX_OK, *rows is a new array of the
 * sheet's non-empty rows in order, each {"row": the row number as Excel shows it (1-based),
 * "cells": [values by column, A first]} where a value is a string, a number, true/false, a date
 * as "YYYY-MM-DD" (a time of day dropped) or null for an empty cell, trailing empty cells left
 * out; and *sheet_name (malloc'd, the caller frees) is the sheet's name. Otherwise both are NULL
 * and `why` (`why_size` bytes, may be NULL) says what was wrong, in English, for a client. */
xlsx_status xlsx_read(const void *data, size_t len, const xlsx_limits *limits, const char *sheet,
                      json_t **rows, char **sheet_name, char *why, size_t why_size);

#endif
