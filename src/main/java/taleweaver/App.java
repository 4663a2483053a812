package taleweaver;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.util.ConcurrencyUtil;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.db.Backups;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Lorebook;
import taleweaver.web.Routes;

import java.util.List;

/** Entry point: load config → open the database → wire services → serve. {@link #create} builds the same app for tests. */
public final class App {
    /** Request threads when virtual threads are not available (Java 17). */
    static final int PLATFORM_THREADS = 32;

    private App() {}

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
        System.setProperty("java.awt.headless", "true");
        Logger log = LoggerFactory.getLogger(App.class);
        if (args.length > 0 && args[0].equals("backup")) {
            System.exit(backup(args));
            return;
        }
        if (args.length > 0 && args[0].equals("move-to")) {
            System.exit(moveTo(args));
            return;
        }
        Config config;
        Services services;
        try {
            config = Config.fromArgs(args);
            services = new Services(config);
        } catch (Config.Invalid | ContentPack.Broken | Lorebook.Broken e) {
            System.err.println("taleweaver: " + e.getMessage());
            System.exit(2);
            return;
        } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("taleweaver: cannot open the database (storage.url / storage.database): " + cause.getMessage());
            System.exit(2);
            return;
        }
        Javalin app = create(config, services);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            app.stop();
        }, "shutdown"));
        app.start(config.server().host(), config.server().port());
        log.info("Taleweaver listening on {}:{} (narrator {}, images {}, database {})", config.server().host(), app.port(),
                config.narrator().provider(), config.images().provider(), config.storage().postgres() ? "postgresql" : config.storage().database());
    }

    /**
     * {@code java -jar server.jar backup [FILE] [--config PATH] [--set k=v]…}: an online backup of storage.database (also
     * while a server runs on it) into FILE, or a new file in storage.backup_dir.
     */
    public static int backup(String[] args) {
        var rest = new java.util.ArrayList<>(java.util.List.of(args).subList(1, args.length));
        String file = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : null;
        try {
            Config config = Config.fromArgs(rest.toArray(String[]::new));
            if (config.storage().postgres()) {
                System.err.println("taleweaver: " + Backups.ON_POSTGRES);
                return 3;
            }
            var target = file != null ? java.nio.file.Path.of(file) : Backups.newFile(java.nio.file.Path.of(config.storage().backupDir()));
            System.out.println(Backups.make(config.storage().database(), target));
            return 0;
        } catch (Config.Invalid e) {
            System.err.println("taleweaver: " + e.getMessage());
            return 2;
        } catch (java.io.IOException | java.sql.SQLException e) {
            System.err.println("taleweaver: backup failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code java -jar server.jar move-to <jdbc:postgresql://…> [--config PATH] [--set k=v]…}: the stopped server's SQLite
     * database (storage.database) copied into that empty PostgreSQL database (storage.user / storage.password).
     */
    public static int moveTo(String[] args) {
        if (args.length < 2 || args[1].startsWith("--")) {
            System.err.println("usage: java -jar server.jar move-to jdbc:postgresql://host:port/database [--config PATH] [--set k=v]");
            return 2;
        }
        try {
            var rest = new java.util.ArrayList<>(java.util.List.of(args).subList(2, args.length));
            rest.add("--set");
            rest.add("storage.url=" + args[1]);
            Config config = Config.fromArgs(rest.toArray(String[]::new));
            var counts = taleweaver.db.MoveTo.move(config.storage().database(), config.storage(), System.out);
            System.out.println("moved " + config.storage().database() + " to PostgreSQL, every count checked: " + counts);
            System.out.println("now set storage.url to that URL (config.yaml or --set) and start the server on it");
            return 0;
        } catch (Config.Invalid | taleweaver.db.MoveTo.Refused e) {
            System.err.println("taleweaver: " + e.getMessage());
            return 2;
        } catch (java.sql.SQLException | RuntimeException e) {
            System.err.println("taleweaver: move-to failed, no row was kept in the target: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Once Javalin has made its connector, before it binds (SPEC §10): a listen queue for a burst of players
     * reconnecting at once, and a connection that stays silent while sending its request (or idles) is closed.
     */
    private static LifeCycle.Listener connectorSettings(Server server, Config.Server config) {
        return new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (var connector : server.getConnectors()) {
                    if (connector instanceof ServerConnector c) {
                        c.setAcceptQueueSize(config.acceptQueue());
                        c.setIdleTimeout(config.readTimeoutSeconds() * 1000L);
                    }
                }
            }
        };
    }

    /**
     * Gzip for large replies, as Javalin's default; the game's JSON is named as allowed, so deciding for each reply
     * skips matching its type against every excluded one.
     */
    private static CompressionStrategy compression() {
        var gzip = new CompressionStrategy(null, new Gzip());
        var allowed = new java.util.ArrayList<>(gzip.getAllowedMimeTypes());
        allowed.addAll(List.of("application/json;charset=utf-8", "application/json; charset=utf-8", io.javalin.http.ContentType.JSON));
        gzip.setAllowedMimeTypes(allowed);
        return gzip;
    }

    /** The app for {@code config}, with its own services; stopping the app closes them. */
    public static Javalin create(Config config) {
        return create(config, new Services(config));
    }

    public static Javalin create(Config config, Services services) {
        return Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            if (!ConcurrencyUtil.isLoomAvailable()) {
                // Java 17: a fixed pool, so a burst of arrivals can't grow the thread count; waits hold no thread anyway.
                cfg.jetty.threadPool = ConcurrencyUtil.jettyThreadPool("JettyServerThreadPool", PLATFORM_THREADS, PLATFORM_THREADS, false);
            }
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = config.server().maxBodyBytes();
            cfg.router.treatMultipleSlashesAsSingleSlash = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setUriCompliance(UriCompliance.LEGACY);
                http.setSendServerVersion(false);
                // Jetty keeps a cache of header values per connection, 96 KB each at its default size: with ten
                // thousand players' kept-alive heartbeats that alone filled a 256 MB heap. Headers are parsed anew.
                http.setHeaderCacheSize(0);
            });
            cfg.http.compressionStrategy = compression();
            cfg.jetty.modifyServletContextHandler(handler -> handler.getServletHandler().setDecodeAmbiguousURIs(true));
            cfg.jetty.modifyServer(server -> {
                server.setHandler((org.eclipse.jetty.server.Handler) null); // Javalin's request statistics: nothing reads them
                server.setStopTimeout(config.server().shutdownGraceSeconds() * 1000L);
                server.addEventListener(connectorSettings(server, config.server()));
            });
            cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.anyHost())); // web clients; they send the token
            cfg.routes.before(services.gate()::check);
            cfg.routes.exception(Exception.class, (e, ctx) -> services.errors().handle(e, ctx));
            cfg.routes.error(404, services.gate()::notFound);
            cfg.requestLogger.http(services.gate()::logged);
            cfg.events.serverStopping(services::beginShutdown);
            cfg.events.serverStopped(services::close);
            Routes.register(cfg, services, config.server().maxBodyBytes());
        });
    }
}
