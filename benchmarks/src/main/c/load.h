/*
 * What the C load generators share: the measuring phases, a latency histogram, and the line they
 * print. A histogram bucket is exact below 64 ns and 1/64 of a power of two wide above, so
 * percentiles are within 1.6 %; the Java side (LatencyHistogram) buckets the same way.
 */

#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SUB_BITS 6
#define SUB_COUNT (1 << SUB_BITS)
#define HIST_SIZE (SUB_COUNT + (64 - SUB_BITS) * SUB_COUNT)

enum phase { WARMUP, MEASURE, STOP };

static volatile int phase = WARMUP;

struct stats {
  uint64_t calls;
  uint64_t errors;
  uint64_t hist[HIST_SIZE];
};

static inline uint64_t
now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static inline int
current_phase(void)
{
  return __atomic_load_n(&phase, __ATOMIC_ACQUIRE);
}

static inline int
bucket_of(uint64_t v)
{
  int exp;

  if (v < SUB_COUNT) {
    return (int) v;
  }
  exp = 63 - __builtin_clzll(v);
  return SUB_COUNT + (exp - SUB_BITS) * SUB_COUNT
      + (int) ((v >> (exp - SUB_BITS)) - SUB_COUNT);
}

/* The middle of a bucket's range. */
static inline uint64_t
bucket_value(int i)
{
  int exp;
  uint64_t low;

  if (i < SUB_COUNT) {
    return (uint64_t) i;
  }
  exp = (i - SUB_COUNT) / SUB_COUNT + SUB_BITS;
  low = (uint64_t) (SUB_COUNT + (i - SUB_COUNT) % SUB_COUNT) << (exp - SUB_BITS);
  return low + (((uint64_t) 1 << (exp - SUB_BITS)) >> 1);
}

/* Counts a call that ended in phase p, and its latency if it was measured. */
static inline void
record(struct stats *s, int p, uint64_t latency, int ok)
{
  if (p != MEASURE) {
    return;
  }
  if (!ok) {
    s->errors++;
    return;
  }
  s->calls++;
  s->hist[bucket_of(latency)]++;
}

static uint64_t
percentile(const struct stats *s, double q)
{
  uint64_t rank = (uint64_t) (q * (double) s->calls + 0.5), seen = 0;
  int i;

  if (rank < 1) {
    rank = 1;
  }
  for (i = 0; i < HIST_SIZE; i++) {
    seen += s->hist[i];
    if (seen >= rank) {
      return bucket_value(i);
    }
  }
  return 0;
}

static void
merge(struct stats *into, const struct stats *from)
{
  int i;

  into->calls += from->calls;
  into->errors += from->errors;
  for (i = 0; i < HIST_SIZE; i++) {
    into->hist[i] += from->hist[i];
  }
}

/* Sleeps through the warm-up, measures, stops; returns the measured nanoseconds. */
static uint64_t
run_phases(unsigned warmup_ms, unsigned measure_ms)
{
  struct timespec w = { warmup_ms / 1000, (long) (warmup_ms % 1000) * 1000000L };
  struct timespec m = { measure_ms / 1000, (long) (measure_ms % 1000) * 1000000L };
  uint64_t start, end;

  nanosleep(&w, NULL);
  start = now_ns();
  __atomic_store_n(&phase, MEASURE, __ATOMIC_RELEASE);
  nanosleep(&m, NULL);
  __atomic_store_n(&phase, STOP, __ATOMIC_RELEASE);
  end = now_ns();
  return end - start;
}

/*
 * Runs fn in a thread for each of n workers (size bytes apart, each starting with its struct
 * stats), through the warm-up and the measured interval, and prints the merged result.
 */
static void print_result(const struct stats *total, uint64_t nanos);

static void
run_workers(void *workers, size_t size, int n, void *(*fn)(void *), char **timing_ms)
{
  static struct stats total;
  pthread_t *threads = calloc((size_t) n, sizeof *threads);
  uint64_t nanos;
  int i;

  for (i = 0; i < n; i++) {
    if (pthread_create(&threads[i], NULL, fn, (char *) workers + (size_t) i * size) != 0) {
      perror("pthread_create");
      exit(1);
    }
  }
  nanos = run_phases((unsigned) atoi(timing_ms[0]), (unsigned) atoi(timing_ms[1]));
  for (i = 0; i < n; i++) {
    pthread_join(threads[i], NULL);
    merge(&total, (const struct stats *) ((char *) workers + (size_t) i * size));
  }
  free(threads);
  print_result(&total, nanos);
}

/* The one line the Java harness parses. */
static void
print_result(const struct stats *total, uint64_t nanos)
{
  printf("calls=%llu nanos=%llu p50_ns=%llu p99_ns=%llu errors=%llu\n",
         (unsigned long long) total->calls, (unsigned long long) nanos,
         (unsigned long long) percentile(total, 0.50),
         (unsigned long long) percentile(total, 0.99), (unsigned long long) total->errors);
}

#endif
