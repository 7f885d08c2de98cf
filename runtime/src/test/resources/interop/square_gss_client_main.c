/*
 * A square client that calls with RPCSEC_GSS (Kerberos), through libtirpc's authgss:
 * square_gss_client host port none|integrity|privacy service@host n [count]. Makes the context
 * with authgss_create_default, calls SQUAREPROC count times (default 1), prints
 * "result: <square>" for each, destroys the context and exits 0; on failure prints why and
 * exits 1. The Kerberos configuration, ticket cache and keytab come from KRB5_CONFIG,
 * KRB5CCNAME and KRB5_KTNAME.
 */

#include <arpa/inet.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rpc/auth_gss.h>

#include "square.h"

int
main(int argc, char **argv)
{
  struct sockaddr_in addr;
  int sock = RPC_ANYSOCK;
  struct rpc_gss_sec sec;
  square_in in;
  square_out *res;
  CLIENT *clnt;
  AUTH *auth;
  int i, count = 1;

  if (argc < 6 || argc > 7) {
    fprintf(stderr, "usage: %s host port none|integrity|privacy service@host n [count]\n",
            argv[0]);
    return 2;
  }
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short) atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  memset(&sec, 0, sizeof sec);
  sec.mech = (gss_OID) gss_mech_krb5;
  sec.qop = GSS_C_QOP_DEFAULT;
  if (strcmp(argv[3], "none") == 0) {
    sec.svc = RPCSEC_GSS_SVC_NONE;
  } else if (strcmp(argv[3], "integrity") == 0) {
    sec.svc = RPCSEC_GSS_SVC_INTEGRITY;
  } else if (strcmp(argv[3], "privacy") == 0) {
    sec.svc = RPCSEC_GSS_SVC_PRIVACY;
  } else {
    fprintf(stderr, "unknown service %s\n", argv[3]);
    return 2;
  }
  sec.cred = GSS_C_NO_CREDENTIAL;
  sec.req_flags = 0;
  in.arg1 = strtol(argv[5], NULL, 10);
  if (argc > 6) {
    count = atoi(argv[6]);
  }

  clnt = clnttcp_create(&addr, SQUARE_PROG, SQUARE_VERS, &sock, 0, 0);
  if (clnt == NULL) {
    printf("%s\n", clnt_spcreateerror(argv[1]));
    return 1;
  }
  auth = authgss_create_default(clnt, argv[4], &sec);
  if (auth == NULL) {
    printf("authgss_create_default failed: %s\n", clnt_spcreateerror(argv[1]));
    clnt_destroy(clnt);
    return 1;
  }
  clnt->cl_auth = auth;
  for (i = 0; i < count; i++) {
    res = squareproc_1(&in, clnt);
    if (res == NULL) {
      printf("%s\n", clnt_sperror(clnt, argv[1]));
      auth_destroy(auth);
      clnt_destroy(clnt);
      return 1;
    }
    printf("result: %ld\n", res->res1);
  }
  /* Sends RPCSEC_GSS_DESTROY. */
  auth_destroy(auth);
  clnt_destroy(clnt);
  return 0;
}
