package io.jrpcgen.cli;

import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.DiagnosticRenderer;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.Shapes;
import io.jrpcgen.xdr.XdrException;
import io.jrpcgen.xdr.schema.Json;
import io.jrpcgen.xdr.schema.JsonException;
import io.jrpcgen.xdr.schema.XdrJson;
import io.jrpcgen.xdr.schema.XdrRandom;
import io.jrpcgen.xdr.schema.XdrSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The verbs that work on values rather than generate code: {@code decode} (XDR to JSON), {@code
 * encode} (JSON to XDR) and {@code random} (random valid and malformed values). Exit codes as the
 * compiler's: 0 done, 1 bad input (the {@code .x}, the bytes or the JSON), 2 bad usage.
 */
final class XdrVerbs {
  private static final HexFormat HEX = HexFormat.of();

  private XdrVerbs() {}

  /** Whether {@code args} start with a verb of this class. */
  static boolean isVerb(String[] args) {
    return args.length > 0 && List.of("decode", "encode", "random").contains(args[0]);
  }

  /** Runs the verb {@code args[0]} with the given streams; returns the exit code. */
  static int run(String[] args, InputStream in, OutputStream out, PrintWriter err) {
    Io io = new Io(in, out, err);
    Object command =
        switch (args[0]) {
          case "decode" -> new Decode(io);
          case "encode" -> new Encode(io);
          default -> new RandomValues(io);
        };
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          err.println(
              "jrpcgen "
                  + args[0]
                  + ": "
                  + e.getMessage()
                  + " (jrpcgen "
                  + args[0]
                  + " --help lists the options)");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          if (e instanceof Failure f) {
            err.println("jrpcgen " + args[0] + ": " + f.getMessage());
            return f.exitCode;
          } else if (e instanceof XdrException || e instanceof JsonException) {
            err.println("jrpcgen " + args[0] + ": " + e.getMessage());
            return 1;
          } else if (e instanceof UncheckedIOException u) {
            err.println("jrpcgen " + args[0] + ": " + u.getMessage());
            return 1;
          }
          StackTraceElement[] where = e.getStackTrace();
          err.println(
              "jrpcgen: internal error: "
                  + e
                  + (where.length > 0 ? " at " + where[0] : "")
                  + "; please report it with the .x file");
          return Main.INTERNAL_ERROR;
        });
    int code = cli.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
    err.flush();
    return code;
  }

  /** The standard streams of a run. */
  record Io(InputStream in, OutputStream out, PrintWriter err) {
    byte[] readAll() {
      try {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
      }
    }

    void write(byte[] bytes) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write standard output: " + e.getMessage(), e);
      }
    }

    void println(String text) {
      write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A failure with its exit code and a one-line message. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  /** The {@code .x} file and its preprocessor options, common to the verbs. */
  static final class Source {
    @Parameters(index = "0", paramLabel = "FILE.x", description = "the .x file")
    Path file;

    @Option(
        names = "-D",
        paramLabel = "NAME[=VALUE]",
        description = "define a preprocessor" + " symbol")
    List<String> defines = List.of();

    @Option(names = "-I", paramLabel = "DIR", description = "search DIR for #include files")
    List<Path> includeDirs = List.of();

    /** The resolved file, or a failure (exit 1) with its diagnostics written to {@code err}. */
    Loaded load(PrintWriter err) {
      CompilerOptions.Builder b = CompilerOptions.builder().source(file);
      includeDirs.forEach(b::includeDir);
      for (String d : defines) {
        int eq = d.indexOf('=');
        b.define(eq < 0 ? d : d.substring(0, eq), eq < 0 ? "1" : d.substring(eq + 1));
      }
      Compiler.Resolved resolved = Compiler.resolve(b.build());
      for (Diagnostic d : resolved.diagnostics()) {
        err.println(DiagnosticRenderer.render(d, resolved.sourceLines()));
      }
      if (!resolved.success() || resolved.schemas().isEmpty()) {
        throw new Failure(1, file + " has errors or no definitions");
      }
      Schema schema = resolved.schemas().get(0);
      return new Loaded(schema, Shapes.of(schema));
    }
  }

  /** The {@code --help} of a verb; mixed in after the verb's own options, so it ends their list. */
  static final class HelpOption {
    @Option(names = "--help", usageHelp = true, description = "show this help and exit")
    boolean help;
  }

  /**
   * The TYPE argument of {@code decode} and {@code encode}, absent with --call or --reply. Mixed in
   * after {@link Source}: its index "+" makes it the argument after FILE.x.
   */
  static final class TypeArgument {
    @Parameters(
        index = "+",
        arity = "0..1",
        paramLabel = "TYPE",
        description = "the .x type of the value (not with --call or --reply)")
    String name;
  }

  /** A resolved {@code .x} file with its shapes. */
  record Loaded(Schema schema, XdrSchema shapes) {
    /** Fails with exit code 2 unless the file has a type {@code name} with a JSON form. */
    void requireType(String name) {
      if (shapes.types().containsKey(name)) {
        return;
      }
      boolean external =
          schema.types().stream().map(NamedType::name).anyMatch(name::equals)
              || schema.typedefs().stream().map(Schema.Typedef::name).anyMatch(name::equals);
      throw new Failure(
          2,
          external
              ? "type '" + name + "' has no JSON form: it contains a type mapped with -T"
              : "no type '"
                  + name
                  + "' in "
                  + schema.file()
                  + " (its types: "
                  + String.join(", ", shapes.types().keySet())
                  + ")");
    }
  }

  /** {@code jrpcgen decode}: XDR bytes on stdin to JSON on stdout. */
  @Command(
      name = "jrpcgen decode",
      sortOptions = false,
      description =
          "Reads XDR from standard input and prints it as JSON: a value of TYPE, or a"
              + " whole RPC call or reply (record mark optional) with --call or --reply.")
  static final class Decode implements Callable<Integer> {
    private final Io io;

    @Mixin Source source;

    @Mixin TypeArgument type;

    @Option(
        names = "--call",
        description = "read a whole call; name its program, version and" + " procedure from the .x")
    boolean call;

    @Option(
        names = "--reply",
        paramLabel = "PROCEDURE",
        description = "read a whole reply to" + " PROCEDURE (a name, or PROGRAM.VERSION.PROCEDURE)")
    String reply;

    @Option(names = "--hex", description = "standard input is hex text, not bytes")
    boolean hex;

    @Option(names = "--compact", description = "print JSON on one line")
    boolean compact;

    @Mixin HelpOption help;

    Decode(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      int modes = (type.name != null ? 1 : 0) + (call ? 1 : 0) + (reply != null ? 1 : 0);
      if (modes != 1) {
        throw new Failure(2, "give one of TYPE, --call or --reply");
      }
      Loaded loaded = source.load(io.err());
      byte[] input = io.readAll();
      byte[] bytes = hex ? parseHex(input) : input;
      Json value;
      if (type.name != null) {
        loaded.requireType(type.name);
        value = Json.parse(XdrJson.of(loaded.shapes()).toJson(type.name, bytes));
      } else {
        RpcMessageJson messages = new RpcMessageJson(loaded);
        value = call ? messages.readCall(bytes) : messages.readReply(bytes, reply);
      }
      io.println(compact ? Json.write(value) : Json.writeIndented(value));
      return 0;
    }
  }

  /** {@code jrpcgen encode}: JSON to XDR bytes on stdout. */
  @Command(
      name = "jrpcgen encode",
      sortOptions = false,
      description =
          "Writes the XDR of JSON (the argument, or standard input if it is - or"
              + " absent): a value of TYPE, or a whole RPC call or reply with --call or --reply.")
  static final class Encode implements Callable<Integer> {
    private final Io io;

    @Mixin Source source;

    @Mixin TypeArgument type;

    @Parameters(
        index = "+",
        arity = "0..1",
        paramLabel = "JSON",
        description = "the value as JSON (default: standard input)")
    String json;

    @Option(names = "--call", description = "JSON is a call as decode --call prints it")
    boolean call;

    @Option(names = "--reply", description = "JSON is a reply as decode --reply prints it")
    boolean reply;

    @Option(
        names = "--record-mark",
        description = "put the 4-byte record mark (TCP) before a" + " call or reply")
    boolean recordMark;

    @Option(names = "--hex", description = "write hex text, not bytes")
    boolean hex;

    @Mixin HelpOption help;

    Encode(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if (call && reply) {
        throw new Failure(2, "give --call or --reply, not both");
      }
      boolean message = call || reply;
      // With --call or --reply there is no TYPE: the one argument after the file is the JSON.
      String text = message && json == null ? type.name : json;
      if (message && json != null || !message && type.name == null) {
        throw new Failure(
            2, message ? "--call and --reply take no TYPE" : "give TYPE, --call" + " or --reply");
      }
      if (recordMark && !message) {
        throw new Failure(2, "--record-mark goes with --call or --reply");
      }
      Loaded loaded = source.load(io.err());
      if (text == null || text.equals("-")) {
        text = new String(io.readAll(), StandardCharsets.UTF_8);
      }
      byte[] bytes;
      if (message) {
        RpcMessageJson messages = new RpcMessageJson(loaded);
        Json value = Json.parse(text);
        bytes = call ? messages.writeCall(value) : messages.writeReply(value);
        if (recordMark) {
          bytes = RpcMessageJson.withRecordMark(bytes);
        }
      } else {
        loaded.requireType(type.name);
        bytes = XdrJson.of(loaded.shapes()).toXdr(type.name, text);
      }
      if (hex) {
        io.println(HEX.formatHex(bytes));
      } else {
        io.write(bytes);
      }
      return 0;
    }
  }

  /** {@code jrpcgen random}: random values of a type, valid or malformed. */
  @Command(
      name = "jrpcgen random",
      sortOptions = false,
      description =
          "Prints random valid values of TYPE, one per line (JSON, or hex with --hex);"
              + " with --malformed, hex of encodings a strict decoder must reject, each with what"
              + " is wrong with it.")
  static final class RandomValues implements Callable<Integer> {
    private final Io io;

    @Mixin Source source;

    @Parameters(index = "1", paramLabel = "TYPE", description = "the .x type")
    String type;

    @Option(
        names = {"-n", "--count"},
        paramLabel = "N",
        description = "how many values" + " (default: 10)")
    int count = 10;

    @Option(
        names = "--seed",
        paramLabel = "SEED",
        description = "the seed (default: a new one," + " printed to standard error)")
    Long seed;

    @Option(names = "--hex", description = "print the XDR as hex, not JSON")
    boolean hex;

    @Option(
        names = "--malformed",
        description = "print malformed variants of each value: hex," + " a tab, what is wrong")
    boolean malformed;

    @Option(
        names = "--max-bytes",
        paramLabel = "N",
        description = "the longest opaque or" + " string drawn (default: 256)")
    int maxBytes = 256;

    @Option(
        names = "--max-items",
        paramLabel = "N",
        description = "the longest variable array" + " drawn (default: 8)")
    int maxItems = 8;

    @Mixin HelpOption help;

    RandomValues(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if (count < 0 || maxBytes < 0 || maxItems < 0) {
        throw new Failure(2, "--count, --max-bytes and --max-items take numbers >= 0");
      }
      Loaded loaded = source.load(io.err());
      loaded.requireType(type);
      long s = seed != null ? seed : new Random().nextLong();
      if (seed == null) {
        io.err().println("jrpcgen random: --seed " + s);
      }
      XdrRandom random =
          XdrRandom.of(loaded.shapes(), new Random(s)).withLimits(maxBytes, maxItems, 6);
      XdrJson json = XdrJson.of(loaded.shapes());
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < count; i++) {
        if (malformed) {
          for (XdrRandom.Malformed m : random.sample(type).malformed()) {
            out.append(HEX.formatHex(m.bytes())).append('\t').append(m.description()).append('\n');
          }
        } else {
          byte[] bytes = random.next(type);
          out.append(hex ? HEX.formatHex(bytes) : json.toJson(type, bytes)).append('\n');
        }
      }
      io.write(out.toString().getBytes(StandardCharsets.UTF_8));
      return 0;
    }
  }

  /** Hex text, white space ignored, to bytes; not hex is a failure (exit 1). */
  static byte[] parseHex(byte[] text) {
    String digits = new String(text, StandardCharsets.ISO_8859_1).replaceAll("\\s+", "");
    try {
      return HEX.parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new Failure(1, "standard input is not hex: " + e.getMessage());
    }
  }
}
