/**
 * The jrpcgen runtime: XDR encoding, ONC RPC clients and servers, and the portmapper and rpcbind
 * protocols, for code generated from {@code .x} files. The {@code io.jrpcgen.internal} packages
 * hold wire plumbing that these packages share; they are not exported.
 */
module io.jrpcgen.runtime {
  // ManagementFactory, for the file descriptor limit. Resolving java.management also binds
  // jdk.management, its platform MXBean provider, when the runtime image has it.
  requires java.management;
  // UnixOperatingSystemMXBean: RpcServer reads the limit through it when present and assumes
  // 1,024 descriptors when not, so an image without jdk.management still runs servers.
  requires static jdk.management;
  // RPCSEC_GSS: the JDK's Kerberos (JGSS), and its JAAS login module for keytabs and ticket
  // caches, which JAAS loads by name.
  requires java.security.jgss;
  requires jdk.security.auth;
  // The JFR events of io.jrpcgen.observe.JfrRpcListener.
  requires jdk.jfr;
  // TCP keep-alive timers (clnt_control): TCP_KEEPIDLE and its kin.
  requires jdk.net;

  exports io.jrpcgen.client;
  exports io.jrpcgen.gss;
  exports io.jrpcgen.observe;
  exports io.jrpcgen.portmap;
  exports io.jrpcgen.rpc;
  exports io.jrpcgen.server;
  exports io.jrpcgen.transport;
  exports io.jrpcgen.xdr;
  exports io.jrpcgen.xdr.schema;
}
