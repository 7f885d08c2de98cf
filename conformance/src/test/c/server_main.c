/*
 * The C conformance server, without rpcbind: server [lifetime-seconds]. It lets libtirpc pick a
 * free TCP and UDP port (RPC_ANYSOCK), registers both program versions with the dispatcher only,
 * prints "tcp=<port> udp=<port>" and serves until killed or until its lifetime runs out.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conformance.h"

/* rpcgen -m writes the dispatch functions but declares them in no header. */
void conformance_prog_1(struct svc_req *req, SVCXPRT *xprt);
void conformance_prog_2(struct svc_req *req, SVCXPRT *xprt);

static int
register_both(SVCXPRT *xprt)
{
  /* Protocol 0: no portmapper registration. */
  return svc_register(xprt, CONFORMANCE_PROG, CONFORMANCE_V1, conformance_prog_1, 0)
      && svc_register(xprt, CONFORMANCE_PROG, CONFORMANCE_V2, conformance_prog_2, 0);
}

int
main(int argc, char **argv)
{
  SVCXPRT *tcp, *udp;

  /* A server that a crashed test run left behind still goes away (SIGALRM ends it). */
  if (argc > 1) {
    alarm((unsigned) atoi(argv[1]));
  }
  tcp = svctcp_create(RPC_ANYSOCK, 0, 0);
  udp = svcudp_create(RPC_ANYSOCK);
  if (tcp == NULL || udp == NULL) {
    fprintf(stderr, "cannot create the %s transport\n", tcp == NULL ? "TCP" : "UDP");
    return 1;
  }
  if (!register_both(tcp) || !register_both(udp)) {
    fprintf(stderr, "cannot register CONFORMANCE_PROG\n");
    return 1;
  }
  printf("tcp=%u udp=%u\n", tcp->xp_port, udp->xp_port);
  fflush(stdout);
  svc_run();
  fprintf(stderr, "svc_run returned\n");
  return 1;
}
