/*
 * splitmix64 (Steele, Lea, Flood 2014; Vigna's public-domain reference):
 * a tiny generator whose outputs depend only on the seed, so --loss with
 * a given --seed loses the same requests everywhere.
 */
#define _POSIX_C_SOURCE 200809L
#include "rng.h"

#define RNG_GAMMA 0x9e3779b97f4a7c15ULL /* the golden-ratio increment */

static uint64_t
rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t
rng_next(struct rng *r)
{
	r->state += RNG_GAMMA;
	return rng_mix(r->state);
}

/* The state after n steps is seed + n * gamma: any output in O(1), so
 * whether request n is lost does not depend on what came before it. */
uint64_t
rng_nth(uint64_t seed, uint64_t n)
{
	return rng_mix(seed + n * RNG_GAMMA);
}

double
rng_unit(uint64_t x)
{
	return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

int
rng_drops(uint64_t seed, double p, uint64_t n)
{
	return rng_unit(rng_nth(seed, n)) < p;
}
