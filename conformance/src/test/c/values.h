/*
 * The values the conformance tests send, as C: one case per value, shared by the C client and
 * the xdrmem byte dumper. ConformanceValues.java holds the same values as Java; both print what
 * they see in one line format, "<case> <path>=<value>", for the tests to compare field by field.
 */

#ifndef CONFORMANCE_VALUES_H
#define CONFORMANCE_VALUES_H

#include "conformance.h"

/* One value: the procedure that echoes it, its argument codec and filler, its result printer. */
struct cf_case {
  const char *name;
  u_long version;
  u_long proc;
  xdrproc_t xdr_args;
  size_t args_size;
  void (*fill)(void *args);
  xdrproc_t xdr_result;
  size_t result_size;
  void (*print)(const char *path, const void *result);
  /* Whether the call fits libtirpc's UDP buffers (UDPMSGSIZE, 8,800 bytes). */
  int udp;
};

/* Every case, ended by one whose name is NULL. */
extern const struct cf_case cf_cases[];

/* The case called name, or NULL. */
const struct cf_case *cf_find(const char *name);

/* Prints a value of the case's result type, each line starting with case_name. */
void cf_print(const char *case_name, const struct cf_case *c, const void *result);

/* Prints "<case_name> <rest>": for the lines that are not values (errors, counts). */
void cf_print_line(const char *case_name, const char *rest);

#endif
