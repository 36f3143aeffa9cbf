package dev.mstream.jobs.local;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter, listening on one address instead of on every interface: {@code
 * local} is a developer's tool, and Flink 2.2's {@code PrometheusReporter} binds {@code new
 * InetSocketAddress(port)}, with no setting for the address. The metrics, their names and labels
 * are Flink's own ({@link AbstractPrometheusReporter} produces them); only the HTTP server that
 * serves them is ours. Settings (under {@code metrics.reporter.<name>.}): {@code port} (one port),
 * {@code host} (default 127.0.0.1). A cluster keeps using Flink's {@code
 * PrometheusReporterFactory}.
 */
@Internal
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

  public static final String ARG_HOST = "host";
  public static final String ARG_PORT = "port";

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    String host = properties.getProperty(ARG_HOST, LoopbackPorts.HOST);
    int port = Integer.parseInt(properties.getProperty(ARG_PORT, "9249").trim());
    return new Reporter(new InetSocketAddress(host, port));
  }

  /** The reporter: Flink's collectors, served on {@code address} only. */
  static final class Reporter extends AbstractPrometheusReporter {

    private final HTTPServer server;

    Reporter(InetSocketAddress address) {
      try {
        server = new HTTPServer(address, registry(this));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve Prometheus metrics on " + address, e);
      }
      log.info("Prometheus metrics on http://{}:{}/metrics", address.getHostString(), port());
    }

    int port() {
      return server.getPort();
    }

    @Override
    public void close() {
      server.stop();
      super.close();
    }

    /**
     * The registry the base class fills; it keeps it package-private, and there is no other way to
     * serve it. Reading it once, here, is what Flink's own PrometheusReporter does by being in that
     * package. {@code LocalListenersITCase} and {@code DashboardPrometheusITCase} fail if a Flink
     * upgrade changes this.
     */
    private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
      try {
        Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
        field.setAccessible(true);
        return (CollectorRegistry) field.get(reporter);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException(
            "Flink's AbstractPrometheusReporter no longer has the field 'registry' this reporter"
                + " serves (was the Flink version changed?)",
            e);
      }
    }
  }
}
