/* principal.h: who is calling — the user, role and agency a verified token names. A value
 * type: copied freely, owns nothing. */
#ifndef PLANMON_PRINCIPAL_H
#define PLANMON_PRINCIPAL_H

#include <stdbool.h>
#include <time.h>

/* 0 is no role at all, so that a zeroed principal can do nothing. */
typedef enum {
    ROLE_NONE = 0,
    ROLE_ADMIN,
    ROLE_COORDINATOR,
    ROLE_MANAGER,
    ROLE_OFFICER,
    ROLE_VIEWER,
    ROLE_AUDITOR,
    ROLE_COUNT
} role_id;

/* Bit for a role in a rule's role mask. */
#define ROLE_BIT(r) (1u << (r))
#define ROLES_ALL (((1u << ROLE_COUNT) - 1) & ~ROLE_BIT(ROLE_NONE))

enum { USERNAME_MAX = 64, AGENCY_CODE_MAX = 33, JTI_MAX = 64 };

typedef struct {
    bool authenticated;
    char username[USERNAME_MAX];
    role_id role;
    char agency[AGENCY_CODE_MAX];
    time_t issued_at;  /* iat */
    time_t expires_at; /* exp */
    char jti[JTI_MAX];
    int session_version; /* "sv": the user's session version when the token was issued */
} principal;

/* The role named `name` ("admin", ...) or -1 (never ROLE_NONE). */
int role_parse(const char *name);

/* The name of `role`. Static string. */
const char *role_name(role_id role);

/* NULL-terminated list of the role names (role_names[i] names role i + 1), for validation
 * messages and enums. */
extern const char *const role_names[];

#endif
