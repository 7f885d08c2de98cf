/* The procedures of the libtirpc server, in rpcgen -M (MT-safe) style. */

#include "square.h"
#include "bench.h"

bool_t
squareproc_1_svc(square_in *in, square_out *out, struct svc_req *req)
{
  (void) req;
  /* Unsigned arithmetic wraps instead of overflowing; xdr_long sends the low 32 bits. */
  out->res1 = (long) ((unsigned long) in->arg1 * (unsigned long) in->arg1);
  return TRUE;
}

int
square_prog_1_freeresult(SVCXPRT *xprt, xdrproc_t proc, caddr_t result)
{
  (void) xprt;
  (void) proc;
  (void) result;
  return 1;
}

bool_t
echoproc_1_svc(echo_data *in, echo_data *out, struct svc_req *req)
{
  (void) req;
  /* The reply shares the arguments' bytes: the dispatcher frees them after sending it. */
  *out = *in;
  return TRUE;
}

int
echo_prog_1_freeresult(SVCXPRT *xprt, xdrproc_t proc, caddr_t result)
{
  /* Nothing of its own to free: see echoproc_1_svc. */
  (void) xprt;
  (void) proc;
  (void) result;
  return 1;
}
