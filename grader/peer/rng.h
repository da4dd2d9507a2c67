/*
 * splitmix64: labpeer's random numbers, our own so that the same --seed
 * drops the same requests on every libc and every machine.
 *
 * Interface:
 *	rng_seed(r, seed)        start a stream
 *	rng_next(r)              the next 64-bit output
 *	rng_nth(seed, n)         the n-th output (n >= 1) of a fresh stream
 *	rng_unit(x)              x as a fraction in [0, 1) (53 bits)
 *	rng_drops(seed, p, n)    1 if request n is lost at loss rate p
 */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_nth(uint64_t seed, uint64_t n);
double rng_unit(uint64_t x);
int rng_drops(uint64_t seed, double p, uint64_t n);

#endif
