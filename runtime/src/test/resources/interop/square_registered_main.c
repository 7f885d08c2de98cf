/*
 * The square server as rpcgen writes it, main and all: pmap_unset, then svc_register with
 * rpcbind for UDP and TCP. Its main is compiled as square_rpcgen_main (-Dmain=...) so that this
 * wrapper can give the process a lifetime first: square_registered_server [lifetime-seconds].
 * A server orphaned by a test run that died still goes away (SIGALRM ends the process).
 */

#include <stdlib.h>
#include <unistd.h>

int square_rpcgen_main(int argc, char **argv);

int
main(int argc, char **argv)
{
  if (argc > 1) {
    alarm((unsigned) atoi(argv[1]));
  }
  return square_rpcgen_main(1, argv);
}
