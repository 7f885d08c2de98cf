/* The square procedure of the RPCSEC_GSS C server: prints its caller, then squares. */

#include <stdio.h>

#include <rpc/rpcsec_gss.h>

#include "square.h"

square_out *
squareproc_1_svc(square_in *in, struct svc_req *req)
{
  static square_out out;
  rpc_gss_rawcred_t *raw = NULL;

  if (rpc_gss_getcred(req, &raw, NULL, NULL) && raw != NULL && raw->client_principal != NULL) {
    fprintf(stderr, "caller: %.*s service %d\n", raw->client_principal->len,
            raw->client_principal->name, (int) raw->service);
  } else {
    fprintf(stderr, "caller: (none)\n");
  }
  fflush(stderr);
  out.res1 = (long) ((unsigned long) in->arg1 * (unsigned long) in->arg1);
  return &out;
}
