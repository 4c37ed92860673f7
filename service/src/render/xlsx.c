/* xlsx.c: the book (see xlsx.h): a libxlsxwriter workbook in a private temporary directory, made,
 * finished (written and read back into memory) or freed; its formats, sheets and cells are made
 * by xlsx_cells.c, xlsx_sheets.c and xlsx_template.c (see xlsx_internal.h).
 *
 * The workbook is made in constant-memory mode: every sheet keeps one row in memory and writes
 * it to a temporary file when the next row starts, so rows are written in order and, within a
 * row, cells left to right. What a sheet states besides its cells — column widths, the frozen
 * pane, the autofilter, data validations and protection — is kept apart from the rows and
 * written when the workbook is closed, so it works in that mode too (the autofilter is set
 * before the rows, as libxlsxwriter checks its range against the rows already written).
 *
 * Ownership: a book owns its workbook (and through it the formats and sheets), its temporary
 * directory and the sheet names it has given; the directory and whatever is in it are removed
 * when the book is finished or freed. No global state here: books on different threads are
 * independent. (libxlsxwriter 1.1.4 itself calls gmtime for the document's creation time and
 * rand for temporary names; at worst that garbles the time in docProps/core.xml.) */
#include "render/xlsx.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "render/xlsx_internal.h"

/* --- the temporary directory ---------------------------------------------------------------- */

/* A new private directory (0700) under $TMPDIR, or /tmp when that fails. */
static char *make_dir(void)
{
    const char *bases[] = {getenv("TMPDIR"), "/tmp"};
    for (size_t i = 0; i < 2; i++) {
        if (!bases[i] || !*bases[i])
            continue;
        char *dir;
        if (asprintf(&dir, "%s/planmon-xlsx-XXXXXX", bases[i]) < 0)
            return NULL;
        if (mkdtemp(dir))
            return dir;
        free(dir);
    }
    return NULL;
}

/* Removes `dir` and whatever was left in it (the directory is the book's own). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                unlinkat(dirfd(d), e->d_name, 0) != 0)
                unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR); /* an empty directory */
        closedir(d);
    }
    rmdir(dir);
}

/* --- the book ------------------------------------------------------------------------------- */

/* Frees what the book owns besides its workbook and directory, and the book. */
static void release(xlsx_book *book)
{
    for (size_t i = 0; i < book->nnames; i++)
        free(book->names[i]);
    free(book->names);
    free(book->path);
    free(book->dir);
    free(book);
}

xlsx_book *xlsx_book_new(void)
{
    xlsx_book *book = calloc(1, sizeof *book);
    if (!book)
        return NULL;
    book->dir = make_dir();
    if (!book->dir || asprintf(&book->path, "%s/workbook.xlsx", book->dir) < 0) {
        book->path = NULL;
        goto fail;
    }
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = book->dir};
    book->wb = workbook_new_opt(book->path, &options);
    if (!book->wb || !xlsx_add_formats(book))
        goto fail;
    return book;
fail:
    xlsx_book_free(book);
    return NULL;
}

void xlsx_book_free(xlsx_book *book)
{
    if (!book)
        return;
    if (book->wb) {
        /* lxw_workbook_free leaves the constant-memory row files open: close them first */
        lxw_worksheet *ws;
        LXW_FOREACH_WORKSHEET(ws, book->wb)
        {
            if (ws->optimize_tmpfile) {
                fclose(ws->optimize_tmpfile);
                ws->optimize_tmpfile = NULL;
                ws->file = NULL;
            }
        }
        lxw_workbook_free(book->wb);
    }
    if (book->dir)
        remove_dir(book->dir);
    release(book);
}

/* Appends the file at `path` to `out`; false (and `out` as it was) on failure. */
static bool read_back(const char *path, render_bytes *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t was = out->len;
    unsigned char chunk[65536];
    bool ok = true;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0 || render_bytes_write(out, chunk, (unsigned)n) != CAIRO_STATUS_SUCCESS) {
            ok = false;
            break;
        }
    }
    close(fd);
    if (!ok)
        out->len = was;
    return ok;
}

bool xlsx_book_finish(xlsx_book *book, render_bytes *out)
{
    if (!book)
        return false;
    /* When workbook_close cannot create the file it frees the workbook with the sheets' row
     * files still open: make the file first (0600), and on failure free the book ourselves. */
    int fd = open(book->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        xlsx_book_free(book);
        return false;
    }
    close(fd);
    lxw_error err = workbook_close(book->wb); /* frees the workbook, also on failure */
    book->wb = NULL;
    bool ok = err == LXW_NO_ERROR && read_back(book->path, out);
    remove_dir(book->dir);
    release(book);
    return ok;
}
