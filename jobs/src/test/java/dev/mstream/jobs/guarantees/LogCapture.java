package dev.mstream.jobs.guarantees;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of this JVM (message and stack trace) while open, with the loggers that
 * would print configuration turned up to INFO: our own, Flink's and the Kafka clients' (which log
 * every producer/consumer configuration when it is created, secrets shown as [hidden]).
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

  private static final Map<String, Level> LOUDER =
      Map.of(
          "dev.mstream", Level.INFO,
          "org.apache.flink", Level.INFO,
          "org.apache.kafka.clients", Level.INFO,
          // AbstractConfig logs "ProducerConfig values: ..." with its own logger
          "org.apache.kafka.common.config", Level.INFO);

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final Map<String, Level> before = new java.util.HashMap<>();

  private LogCapture() {
    super("guarantees-capture", null, null, true, Property.EMPTY_ARRAY);
  }

  static LogCapture open() {
    LogCapture capture = new LogCapture();
    capture.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    config.getRootLogger().addAppender(capture, Level.ALL, null);
    LOUDER.forEach(
        (name, level) -> {
          capture.before.put(name, LogManager.getLogger(name).getLevel());
          Configurator.setLevel(name, level);
        });
    ctx.updateLoggers();
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    StringBuilder line = new StringBuilder();
    line.append(event.getLoggerName())
        .append(": ")
        .append(event.getMessage().getFormattedMessage());
    if (event.getThrown() != null) {
      StringWriter trace = new StringWriter();
      event.getThrown().printStackTrace(new PrintWriter(trace));
      line.append('\n').append(trace);
    }
    lines.add(line.toString());
  }

  /** Every captured line containing {@code text}. */
  java.util.List<String> linesContaining(String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }

  int size() {
    return lines.size();
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(getName());
    before.forEach(Configurator::setLevel);
    ctx.updateLoggers();
    stop();
  }
}
