package dev.mstream.jobs.cli;

import dev.mstream.index.vector.VectorUtil;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.lang3.exception.ExceptionUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar mstream.jar <command>}: the one entry point of the shaded jar. */
@Command(
    name = "mstream",
    mixinStandardHelpOptions = true,
    versionProvider = MStreamCli.Version.class,
    description = "Matryoshka Stream: a streaming semantic index on Flink and Kafka.",
    subcommands = {
      LocalCommand.class,
      LoadCommand.class,
      QueryCommand.class,
      JobCommand.class,
      EvalCommand.class,
      StsCommand.class,
      BenchEmbedCommand.class,
      BenchSkipCommand.class,
      BenchMigrationCommand.class,
      BenchLatencyCommand.class
    })
public final class MStreamCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return new CommandLine(new MStreamCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }

  /** The version, and which vector kernels this JVM runs (the launcher script's SIMD or not). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String kernels = VectorUtil.implementation();
      return new String[] {
        "mstream 0.1.0",
        "vector kernels: "
            + kernels
            + (kernels.equals("panama")
                ? " (JDK Vector API)"
                : " (plain Java; bin/mstream starts the JVM with --add-modules"
                    + " jdk.incubator.vector for the SIMD ones)")
      };
    }
  }

  /**
   * A failure in one line for the terminal: the message of the exception and of each cause that
   * says more than the one before (a wrapper often repeats its cause's message), outermost first.
   */
  static String oneLine(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t : ExceptionUtils.getThrowableList(failure)) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (messages.isEmpty() || !messages.get(messages.size() - 1).contains(message)) {
        messages.add(message);
      }
    }
    return String.join(" <- ", messages);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
