/* planted.c: planted defects that tests/static/run expects both tools to find, so a broken
 * installation or configuration (no checks enabled, a wrong compile database, a tool that
 * silently analyses nothing) fails the run instead of passing it. Never built. */
#include <stdlib.h>
#include <string.h>

int planted_leak(const char *s);
int planted_null(int n);

int planted_leak(const char *s)
{
    char *copy = malloc(strlen(s) + 1); /* leaked on the early return */
    if (!copy)
        return -1;
    strcpy(copy, s);
    if (copy[0] == 'x')
        return 1;
    free(copy);
    return 0;
}

int planted_null(int n)
{
    int *p = NULL;
    if (n > 3)
        p = &n;
    return *p; /* NULL when n <= 3 */
}
