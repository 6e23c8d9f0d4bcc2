/* fuzz-stream-name.c: arbitrary text as stream and pstream names.
 *
 * Only the parsers run (stream_verify_name, pstream_verify_name): opening
 * would touch the network.  Every rejection must come with a message, every
 * acceptance without one, and a name cannot be both active and passive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/stream.h"
#include "lib/util.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) { abort(); } } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    if (!initialized) {
        initialized = true;
        log_set_file("/dev/null");
    }
    char *name = xstrndup((const char *) data, size);
    char *err;
    int active = stream_verify_name(name, &err);
    FUZZ_CHECK(!active == !err);
    free(err);
    int passive = pstream_verify_name(name, &err);
    FUZZ_CHECK(!passive == !err);
    free(err);
    FUZZ_CHECK(active || passive);
    FUZZ_CHECK(!passive == stream_name_is_passive(name) || passive);
    free(name);
    return 0;
}
