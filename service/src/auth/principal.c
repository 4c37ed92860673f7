/* principal.c: role names (see principal.h). */
#include "auth/principal.h"

#include <string.h>

const char *const role_names[] = {"admin",  "coordinator", "manager", "officer",
                                  "viewer", "auditor",     NULL};

int role_parse(const char *name)
{
    for (int i = 0; name && role_names[i]; i++)
        if (strcmp(name, role_names[i]) == 0)
            return i + 1;
    return -1;
}

const char *role_name(role_id role)
{
    return role > ROLE_NONE && role < ROLE_COUNT ? role_names[role - 1] : "none";
}
