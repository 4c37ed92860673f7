/* mailer.h: e-mail over SMTP with libcurl (SMTP_URL; STARTTLS unless SMTP_STARTTLS=off; the
 * credentials, user:password, from SMTP_CREDENTIALS_FILE). A message has a plain-text and an HTML
 * part, UTF-8 both, and a subject encoded for any mail reader. Thread-safe (curl_global_init
 * must have run). */
#ifndef PLANMON_NOTIFY_MAILER_H
#define PLANMON_NOTIFY_MAILER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* One message; every field borrowed. */
typedef struct {
    const char *to, *subject, *text, *html;
} mail_message;

/* True when SMTP_URL is set: without it no mail is queued or sent. */
bool mailer_configured(const pm_config *cfg);

/* Sends `m`, waiting for the server's answer (at most WEBHOOK_TIMEOUT_MS). False, with one
 * sentence naming the failure in `error` (`size` bytes), when it was not accepted. */
bool mailer_send(const pm_config *cfg, const mail_message *m, char *error, size_t size);

#endif
