/* digest.h: the daily digest e-mail of one user, written in Vietnamese as plain text and HTML
 * from what mail_repo_digest_recipients found for it. Pure; thread-safe. */
#ifndef PLANMON_NOTIFY_DIGEST_H
#define PLANMON_NOTIFY_DIGEST_H

#include <jansson.h>
#include <stdbool.h>

/* A written digest; the caller frees each string (digest_free). */
typedef struct {
    char *subject, *text, *html;
} digest_mail;

/* Writes the digest of day `day` (YYYY-MM-DD) for `recipient` (borrowed) into *out. False when
 * memory runs out. */
bool digest_write(const json_t *recipient, const char *day, digest_mail *out);

/* Frees what digest_write made. */
void digest_free(digest_mail *mail);

#endif
