/* messages.h: the Vietnamese of the service's messages. Every message a client may read (a
 * problem's title and detail, a field error's message) is written once, in English, in the code,
 * marked MSG("...") (status.h); service/messages/vi.tsv gives each its Vietnamese, with the same
 * printf conversions in the same order, and service/messages/en.txt lists them all (the English
 * catalogue; tests/checks/messages.py keeps both in step with the code). Read-only after the
 * first call: thread-safe. */
#ifndef PLANMON_MESSAGES_H
#define PLANMON_MESSAGES_H

#include <stdbool.h>

/* The Vietnamese of message `msgid` (an English MSG text, or a format), or `msgid` itself when
 * the catalogue has none (NULL for NULL). Static; never freed. */
const char *msg_vi(const char *msgid);

#endif
