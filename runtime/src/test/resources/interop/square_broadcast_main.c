/*
 * Broadcast RPC with clnt_broadcast: square_broadcast n. Prints "reply from <address>: result
 * <square>" for the first server that answers, then "status: " and clnt_sperrno's text; exits 0
 * if a server answered.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "square.h"

/* The first reply is enough: returning TRUE ends the broadcast. */
static bool_t
each_result(caddr_t out, struct sockaddr_in *addr)
{
  printf("reply from %s: result %ld\n", inet_ntoa(addr->sin_addr), ((square_out *) out)->res1);
  return TRUE;
}

int
main(int argc, char **argv)
{
  square_in in;
  square_out out;
  enum clnt_stat status;

  if (argc != 2) {
    fprintf(stderr, "usage: %s n\n", argv[0]);
    return 2;
  }
  in.arg1 = strtol(argv[1], NULL, 10);
  status = clnt_broadcast(SQUARE_PROG, SQUARE_VERS, SQUAREPROC, (xdrproc_t) xdr_square_in,
                          (caddr_t) &in, (xdrproc_t) xdr_square_out, (caddr_t) &out,
                          (resultproc_t) each_result);
  printf("status: %s\n", clnt_sperrno(status));
  return status == RPC_SUCCESS ? 0 : 1;
}
