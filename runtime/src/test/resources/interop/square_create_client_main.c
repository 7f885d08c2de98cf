/*
 * A square client that finds the server through rpcbind, as rpcgen's clients do:
 * square_create_client host tcp|udp n [version]. Prints "result: <square>" and exits 0; if
 * clnt_create fails, "create: " and clnt_spcreateerror's text; if the call fails, "call: " and
 * clnt_sperror's text; both exit 1.
 */

#include <stdio.h>
#include <stdlib.h>

#include "square.h"

int
main(int argc, char **argv)
{
  CLIENT *clnt;
  square_in in;
  square_out *out;
  unsigned long version = SQUARE_VERS;

  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s host tcp|udp n [version]\n", argv[0]);
    return 2;
  }
  if (argc > 4) {
    version = strtoul(argv[4], NULL, 10);
  }
  clnt = clnt_create(argv[1], SQUARE_PROG, version, argv[2]);
  if (clnt == NULL) {
    printf("create: %s\n", clnt_spcreateerror(argv[1]));
    return 1;
  }
  in.arg1 = strtol(argv[3], NULL, 10);
  out = squareproc_1(&in, clnt);
  if (out == NULL) {
    printf("call: %s\n", clnt_sperror(clnt, argv[1]));
    clnt_destroy(clnt);
    return 1;
  }
  printf("result: %ld\n", out->res1);
  clnt_destroy(clnt);
  return 0;
}
