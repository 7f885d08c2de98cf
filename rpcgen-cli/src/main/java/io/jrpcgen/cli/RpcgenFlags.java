package io.jrpcgen.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * rpcgen's own flags, which habit types: for each, one line that says what jrpcgen does instead,
 * rather than a usage dump. A flag whose behaviour is always on is a note and the run goes on; any
 * other is refused.
 */
final class RpcgenFlags {
  /** What the arguments hold of rpcgen's flags: notes to print, and the refusal if any. */
  record Answer(List<String> notes, String refusal) {}

  private static final String NO_SPLIT =
      "Java has no header/stub split (each type carries its CODEC); use --emit ";

  private static final Map<String, String> ALWAYS_ON =
      Map.of(
          "-N", "-N is always on: a procedure with several arguments takes several parameters",
          "-M", "-M is always on: generated clients and servers are thread-safe",
          "-C", "-C is always on: the generated code is Java, the only dialect");

  private static final Map<String, String> REFUSED =
      Map.ofEntries(
          Map.entry(
              "-a",
              "-a: jrpcgen writes types, client and server by default (--emit chooses)"
                  + " and no sample programs or makefile"),
          Map.entry(
              "-b",
              "-b: there is no SunOS 4.1 mode; the generated code speaks ONC RPC v2 to"
                  + " every peer"),
          Map.entry("-c", "-c: " + NO_SPLIT + "types"),
          Map.entry("-h", "-h: " + NO_SPLIT + "types"),
          Map.entry("-l", "-l: " + NO_SPLIT + "client"),
          Map.entry("-m", "-m: " + NO_SPLIT + "server"),
          Map.entry("-o", "-o: jrpcgen writes one Java file per type under -d DIR (default .)"),
          Map.entry(
              "-s",
              "-s: a generated server serves what RpcServer's builder is given (TCP and"
                  + " UDP by default), chosen at run time"),
          Map.entry(
              "-Sc",
              "-Sc: no sample client; README.md, 'Writing a client and a server', has" + " one"),
          Map.entry(
              "-Ss",
              "-Ss: no sample server; README.md, 'Writing a client and a server', has" + " one"),
          Map.entry(
              "-Sm",
              "-Sm: no makefile; the Maven plugin (or Compiler.compile) builds the"
                  + " generated code"),
          Map.entry(
              "-K",
              "-K: a server does not exit when idle; call RpcServer.close() when it"
                  + " should stop"),
          Map.entry("-i", "-i: no inline limit; every CODEC is straight-line Java already"),
          Map.entry(
              "-Y",
              "-Y: no external cpp; jrpcgen preprocesses itself (-D, -I, #include," + " #ifdef)"),
          Map.entry(
              "-L",
              "-L: servers log through System.Logger (route it where you like), not" + " syslog"));

  private RpcgenFlags() {}

  /** Looks at the arguments before the first {@code --}. */
  static Answer answer(String[] args) {
    List<String> notes = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      String refusal = REFUSED.get(arg);
      if (refusal != null) {
        return new Answer(notes, refusal);
      }
      String note = ALWAYS_ON.get(arg);
      if (note != null) {
        notes.add(note);
      }
    }
    return new Answer(notes, null);
  }

  /** The arguments without the always-on flags, for the real parser. */
  static String[] withoutAlwaysOn(String[] args) {
    List<String> kept = new ArrayList<>();
    boolean options = true;
    for (String arg : args) {
      options &= !arg.equals("--");
      if (!options || !ALWAYS_ON.containsKey(arg)) {
        kept.add(arg);
      }
    }
    return kept.toArray(String[]::new);
  }
}
