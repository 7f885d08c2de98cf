/*
 * Floating-point values from their bit patterns, so that NaN, the infinities, -0.0 and
 * subnormals are exact: for values.c and the fillers CorpusConformanceTest writes.
 */

#ifndef CONFORMANCE_BITS_H
#define CONFORMANCE_BITS_H

#include <stdint.h>
#include <string.h>

static inline float
f32(uint32_t bits)
{
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static inline double
f64(uint64_t bits)
{
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

#endif
