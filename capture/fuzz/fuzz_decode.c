/*
 * libFuzzer target over the capture library: decode and flow-track the
 * packets of one input (format in fuzz_input.h).  Built and run by
 * `make fuzz` (capture/lib.mk) with clang -fsanitize=fuzzer,address,undefined.
 */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size);
	return 0;
}
