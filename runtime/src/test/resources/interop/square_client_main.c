/*
 * A square client that needs no portmapper: square_client host port tcp|udp n [version [proc]].
 * Prints "result: <square>" and exits 0, or prints clnt_sperror's text and exits 1. The optional
 * version and procedure numbers let a test call what the server does not have.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "square.h"

/* The call timeout of rpcgen's stubs. */
static struct timeval call_timeout = { 25, 0 };
/* A short UDP retry interval, so that a lost datagram costs little. */
static struct timeval udp_retry = { 1, 0 };

int
main(int argc, char **argv)
{
  struct sockaddr_in addr;
  int sock = RPC_ANYSOCK;
  unsigned long version = SQUARE_VERS, proc = SQUAREPROC;
  square_in in;
  square_out out, *res;
  CLIENT *clnt;
  char *host;

  if (argc < 5 || argc > 7 || (strcmp(argv[3], "tcp") != 0 && strcmp(argv[3], "udp") != 0)) {
    fprintf(stderr, "usage: %s host port tcp|udp n [version [proc]]\n", argv[0]);
    return 2;
  }
  host = argv[1];
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short) atoi(argv[2]));
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", host);
    return 2;
  }
  in.arg1 = strtol(argv[4], NULL, 10);
  if (argc > 5) {
    version = strtoul(argv[5], NULL, 10);
  }
  if (argc > 6) {
    proc = strtoul(argv[6], NULL, 10);
  }

  /* A non-zero port means the create functions never ask the portmapper. */
  if (strcmp(argv[3], "tcp") == 0) {
    clnt = clnttcp_create(&addr, SQUARE_PROG, version, &sock, 0, 0);
  } else {
    clnt = clntudp_create(&addr, SQUARE_PROG, version, udp_retry, &sock);
  }
  if (clnt == NULL) {
    printf("%s\n", clnt_spcreateerror(host));
    return 1;
  }

  if (proc == SQUAREPROC) {
    res = squareproc_1(&in, clnt);
  } else {
    /* The generated stub always calls SQUAREPROC, so other numbers go through clnt_call. */
    memset(&out, 0, sizeof out);
    res = clnt_call(clnt, proc, (xdrproc_t) xdr_square_in, (caddr_t) &in,
                    (xdrproc_t) xdr_square_out, (caddr_t) &out, call_timeout) == RPC_SUCCESS
        ? &out : NULL;
  }
  if (res == NULL) {
    printf("%s\n", clnt_sperror(clnt, host));
    clnt_destroy(clnt);
    return 1;
  }
  printf("result: %ld\n", res->res1);
  clnt_destroy(clnt);
  return 0;
}
