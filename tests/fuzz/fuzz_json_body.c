/* fuzz_json_body: the strict JSON body parser every POST/PUT/PATCH goes through
 * (req_parse_json_object in service/src/http/request.c).
 * Invariants: success gives an object and no detail; failure gives no value and a detail; an
 * accepted body survives a dump and re-parse unchanged; json_serialize (the replies' writer)
 * writes something for it. */
#include <jansson.h>

#include "fuzz_common.h"
#include "http/request.h"
#include "jsonutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = (json_t *)1;
    pm_error err = {0};
    pm_status st = req_parse_json_object((const char *)data, size, &body, &err);
    if (st != PM_OK) {
        CHECK(st == PM_INVALID_JSON);
        CHECK(body == NULL);
        CHECK(err.detail[0] != '\0');
        pm_error_reset(&err);
        return 0;
    }
    CHECK(json_is_object(body));
    CHECK(err.errors == NULL);
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    CHECK(text != NULL);
    json_t *again = NULL;
    CHECK(req_parse_json_object(text, strlen(text), &again, &err) == PM_OK);
    CHECK(json_equal(body, again));
    char *served = json_serialize(body);
    CHECK(served != NULL);
    free(served);
    free(text);
    json_decref(again);
    json_decref(body);
    pm_error_reset(&err);
    return 0;
}
