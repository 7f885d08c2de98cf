/*
 * libtirpc's XDR bytes for the conformance values, with xdrmem_create:
 *   xdr_dump encode case...   prints "<case> <hex>" with the case's argument encoded
 *   xdr_dump decode case hex  decodes hex as the case's argument type and prints its fields
 *                             ("<case> <path>=<value>" lines, as the client does), or
 *                             "<case> error=cannot decode"
 * decode is for cases whose argument and result types are the same.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

#define BUFFER_SIZE (1 << 20)

static char buffer[BUFFER_SIZE];

static int
encode(const struct cf_case *c)
{
  XDR xdrs;
  void *args = calloc(1, c->args_size);
  u_int i, n;

  c->fill(args);
  xdrmem_create(&xdrs, buffer, BUFFER_SIZE, XDR_ENCODE);
  if (!c->xdr_args(&xdrs, args)) {
    printf("%s error=cannot encode\n", c->name);
    return 1;
  }
  n = xdr_getpos(&xdrs);
  printf("%s ", c->name);
  for (i = 0; i < n; i++) {
    printf("%02x", (unsigned char) buffer[i]);
  }
  printf("\n");
  xdr_destroy(&xdrs);
  free(args);
  return 0;
}

static int
decode(const struct cf_case *c, const char *hex)
{
  XDR xdrs;
  size_t i, n = strlen(hex) / 2;
  void *value = calloc(1, c->result_size);

  for (i = 0; i < n && i < BUFFER_SIZE; i++) {
    unsigned int byte;
    sscanf(hex + 2 * i, "%2x", &byte);
    buffer[i] = (char) byte;
  }
  xdrmem_create(&xdrs, buffer, (u_int) n, XDR_DECODE);
  if (!c->xdr_result(&xdrs, value)) {
    printf("%s error=cannot decode\n", c->name);
    return 1;
  }
  cf_print(c->name, c, value);
  xdr_free(c->xdr_result, value);
  free(value);
  return 0;
}

int
main(int argc, char **argv)
{
  const struct cf_case *c;
  int i, failed = 0;

  if (argc >= 3 && strcmp(argv[1], "encode") == 0) {
    for (i = 2; i < argc; i++) {
      c = cf_find(argv[i]);
      if (c == NULL) {
        fprintf(stderr, "unknown case %s\n", argv[i]);
        return 2;
      }
      failed |= encode(c);
    }
    return failed;
  }
  if (argc == 4 && strcmp(argv[1], "decode") == 0 && (c = cf_find(argv[2])) != NULL) {
    return decode(c, argv[3]);
  }
  fprintf(stderr, "usage: %s encode case... | decode case hex\n", argv[0]);
  return 2;
}
