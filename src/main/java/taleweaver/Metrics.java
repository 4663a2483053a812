package taleweaver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's figures for {@code GET /metrics} (SPEC §13), in Prometheus text through Micrometer: requests by route
 * and status, model calls by outcome, tokens, turns by narrator, players online, battles, parked waits, whether the
 * model is down, and the JVM's memory, GC and threads. Recording is a map lookup and an add: the hot routes don't feel it.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Timer> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> modelCalls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> turns = new ConcurrentHashMap<>();
    private final Counter tokens;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        tokens = Counter.builder("taleweaver.model.tokens").description("model tokens used").register(registry);
        for (String narrator : new String[]{"model", "offline", "fallback"}) turn(narrator, 0);
        for (String outcome : new String[]{"ok", "failed", "timeout", "down"}) modelCallTimer(outcome); // every family from start
    }

    /** A figure read when scraped. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void request(String route, int status, long nanos) {
        requests.computeIfAbsent(route + " " + status, k -> Timer.builder("taleweaver.http.requests")
                .tag("route", route).tag("status", String.valueOf(status)).register(registry)).record(Duration.ofNanos(nanos));
    }

    /** {@code outcome}: ok, failed, timeout or down (breaker open). */
    public void modelCall(String outcome, long nanos) {
        modelCallTimer(outcome).record(Duration.ofNanos(nanos));
    }

    private Timer modelCallTimer(String outcome) {
        return modelCalls.computeIfAbsent(outcome, k -> Timer.builder("taleweaver.model.calls").tag("outcome", outcome).register(registry));
    }

    public void tokens(int used) {
        tokens.increment(used);
    }

    /** A story turn answered by the model, the offline narrator, or the offline narrator in the model's stead. */
    public void turn(String narrator) {
        turn(narrator, 1);
    }

    private void turn(String narrator, int n) {
        turns.computeIfAbsent(narrator, k -> Counter.builder("taleweaver.turns").tag("narrator", narrator).register(registry)).increment(n);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
