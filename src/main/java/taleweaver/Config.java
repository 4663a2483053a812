package taleweaver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's settings: config.yaml, then --set overrides, checked against the known keys and their defaults. */
public record Config(Server server, Storage storage, Admin admin, Game game, Auth auth, Presence presence, Limits limits,
                     Narrator narrator, Images images, Moderation moderation, Tasks tasks, Crafting crafting,
                     Events events, Challenge challenge, Battle battle, Party party) {

    public record Server(String host, int port, int maxBodyBytes, int shutdownGraceSeconds, int acceptQueue, int readTimeoutSeconds,
                         String trustedProxies, String instanceId) {
        /** server.instance_id, or this machine's host name and the port. */
        public String instance() {
            if (!instanceId.isEmpty()) return instanceId;
            String hostName;
            try {
                hostName = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                hostName = "localhost";
            }
            return hostName + ":" + port;
        }
    }
    /** {@code url} blank: SQLite at {@code database}; else a {@code jdbc:postgresql://} URL (SPEC §15). */
    public record Storage(String database, String backupDir, int backupEveryHours, int backupsKept, String url, String user,
                          String password, int poolSize) {
        public boolean postgres() { return !url.isBlank(); }
    }
    public record Admin(String token) {
        public boolean enabled() { return !token.isBlank(); }
    }
    public record Game(String language, String contentPack, String lorebook) {}
    public record Auth(String mode, int bcryptCost, int bcryptThreads, int maxFailedLogins, int lockoutMinutes) {}
    public record Presence(int timeoutSeconds) {}
    public record Limits(int requestsPerMinute) {}
    public record Narrator(String provider, String baseUrl, String apiKey, String model, boolean jsonMode,
                           int timeoutSeconds, int maxRetries, String fallback, int dailyTokensPerPlayer,
                           int historyTurns, int maxTokens, double temperature, int turnDeadlineSeconds, int retryDownSeconds,
                           int maxConcurrentCalls) {}
    public record Images(String provider, String baseUrl, String apiKey, String model, int timeoutSeconds) {}
    public record Moderation(boolean useModel) {}
    public record Tasks(int maxOpenPersonal, int maxTurnsPerStage) {}
    public record Crafting(int maxNum) {}
    public record Events(int maxChange) {}
    public record Challenge(int waitSeconds, int ttlSeconds, int pushTimeoutSeconds, String callbackHosts) {}
    public record Battle(int roundTimeoutSeconds, int maxRounds, int winExp, int winMatter) {}
    public record Party(int maxMembers, int roundSeconds, int idleMinutes) {}

    /** A setting that stops start-up; the message names the key. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) { super(message); }
    }

    /** Every key with its default, in the order config.yaml documents them. The default's type is the key's type. */
    static Map<String, Map<String, Object>> defaults() {
        var d = new LinkedHashMap<String, Map<String, Object>>();
        d.put("server", ordered("host", "0.0.0.0", "port", 5000, "max_body_bytes", 1_048_576, "shutdown_grace_seconds", 10,
                "accept_queue", 1024, "read_timeout_seconds", 10, "trusted_proxies", "", "instance_id", ""));
        d.put("storage", ordered("database", "data/taleweaver.db", "backup_dir", "data/backups", "backup_every_hours", 24,
                "backups_kept", 7, "url", "", "user", "", "password", "", "pool_size", 16));
        d.put("admin", ordered("token", ""));
        d.put("game", ordered("language", "zh", "content_pack", "", "lorebook", ""));
        d.put("auth", ordered("mode", "token_or_address", "bcrypt_cost", 10, "bcrypt_threads", 0,
                "max_failed_logins", 5, "lockout_minutes", 10));
        d.put("presence", ordered("timeout_seconds", 30));
        d.put("limits", ordered("requests_per_minute", 600));
        d.put("narrator", ordered("provider", "offline", "base_url", "https://api.openai.com/v1", "api_key", "",
                "model", "gpt-4o-mini", "json_mode", true, "timeout_seconds", 30, "max_retries", 2,
                "fallback", "offline", "daily_tokens_per_player", 200_000, "history_turns", 8, "max_tokens", 400,
                "temperature", 0.8, "turn_deadline_seconds", 20, "retry_down_seconds", 15, "max_concurrent_calls", 64));
        d.put("images", ordered("provider", "procedural", "base_url", "https://api.openai.com/v1", "api_key", "",
                "model", "dall-e-3", "timeout_seconds", 60));
        d.put("moderation", ordered("use_model", false));
        d.put("tasks", ordered("max_open_personal", 10, "max_turns_per_stage", 4));
        d.put("crafting", ordered("max_num", 1000));
        d.put("events", ordered("max_change", 20));
        d.put("challenge", ordered("wait_seconds", 20, "ttl_seconds", 120, "push_timeout_seconds", 15,
                "callback_hosts", "same_as_client"));
        d.put("battle", ordered("round_timeout_seconds", 60, "max_rounds", 10, "win_exp", 50, "win_matter", 20));
        d.put("party", ordered("max_members", 4, "round_seconds", 90, "idle_minutes", 30));
        return d;
    }

    public static Config defaultConfig() {
        return fromValues(defaults());
    }

    /** Reads {@code --config PATH} (default config.yaml, optional) and applies each {@code --set key=value}. */
    public static Config fromArgs(String[] args) {
        String path = null;
        var sets = new ArrayList<String>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("--set")) && i + 1 < args.length) {
                if (a.equals("--config")) path = args[++i]; else sets.add(args[++i]);
            } else if (a.startsWith("--config=")) {
                path = a.substring(9);
            } else if (a.startsWith("--set=")) {
                sets.add(a.substring(6));
            } else {
                throw new Invalid("unknown argument: " + a + " (use --config PATH and --set section.key=value)");
            }
        }
        Path file = Path.of(path == null ? "config.yaml" : path);
        if (path != null && !Files.isRegularFile(file)) throw new Invalid("config file not found: " + file);
        return load(Files.isRegularFile(file) ? file : null, sets, System.getenv());
    }

    public static Config load(Path file, List<String> sets, Map<String, String> env) {
        var values = defaults();
        values.get("admin").put("token", expand("${TALEWEAVER_ADMIN_TOKEN:-}", env)); // the defaults of secrets come from the environment
        values.get("storage").put("password", expand("${TALEWEAVER_DB_PASSWORD:-}", env));
        if (file != null) {
            JsonNode root;
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            } catch (IOException e) {
                throw new Invalid("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (root != null && !root.isNull() && !root.isMissingNode()) {
                if (!root.isObject()) throw new Invalid(file + ": expected sections of key: value");
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                    var section = it.next();
                    if (section.getValue().isNull()) continue;
                    if (!section.getValue().isObject()) throw new Invalid("config key " + section.getKey() + ": expected a section");
                    for (Iterator<Map.Entry<String, JsonNode>> f = section.getValue().fields(); f.hasNext(); ) {
                        var field = f.next();
                        JsonNode v = field.getValue();
                        if (v.isContainerNode()) throw new Invalid("config key " + section.getKey() + "." + field.getKey() + ": expected a single value");
                        Object raw = v.isNull() ? "" : v.isTextual() ? expand(v.asText(), env) : v.isBoolean() ? v.asBoolean() : v.isNumber() ? v.numberValue() : v.asText();
                        put(values, section.getKey() + "." + field.getKey(), raw);
                    }
                }
            }
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new Invalid("--set expects section.key=value, got: " + s);
            put(values, s.substring(0, eq).trim(), expand(s.substring(eq + 1).trim(), env));
        }
        return fromValues(values);
    }

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    static String expand(String text, Map<String, String> env) {
        Matcher m = ENV.matcher(text);
        var out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null || v.isEmpty()) v = m.group(2) == null ? "" : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        return m.appendTail(out).toString();
    }

    private static void put(Map<String, Map<String, Object>> values, String key, Object raw) {
        int dot = key.indexOf('.');
        var section = dot < 0 ? null : values.get(key.substring(0, dot));
        String name = dot < 0 ? key : key.substring(dot + 1);
        if (section == null || !section.containsKey(name)) throw new Invalid("unknown config key: " + key);
        section.put(name, coerce(key, section.get(name), raw));
    }

    private static Object coerce(String key, Object template, Object raw) {
        String text = String.valueOf(raw).trim();
        try {
            if (template instanceof Integer) {
                if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return Math.toIntExact(n.longValue());
                return Integer.parseInt(text);
            }
            if (template instanceof Double) return raw instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
            if (template instanceof Boolean) {
                if (raw instanceof Boolean b) return b;
                if (text.equalsIgnoreCase("true")) return true;
                if (text.equalsIgnoreCase("false")) return false;
                throw new NumberFormatException();
            }
            return text;
        } catch (RuntimeException e) {
            throw new Invalid("config key " + key + ": expected " + (template instanceof Boolean ? "true or false"
                    : template instanceof Integer ? "a whole number" : "a number") + ", got '" + text + "'");
        }
    }

    private static Config fromValues(Map<String, Map<String, Object>> v) {
        Function<String, Object> get = k -> v.get(k.substring(0, k.indexOf('.'))).get(k.substring(k.indexOf('.') + 1));
        var c = new Reader(get);
        var config = new Config(
                new Server(c.str("server.host"), c.num("server.port", 1, 65535), c.num("server.max_body_bytes", 1024, 64 << 20),
                        c.num("server.shutdown_grace_seconds", 0, 300), c.num("server.accept_queue", 1, 65_535),
                        c.num("server.read_timeout_seconds", 1, 3600), c.proxies("server.trusted_proxies"), c.str("server.instance_id").strip()),
                new Storage(c.str("storage.database"), c.str("storage.backup_dir"), c.num("storage.backup_every_hours", 0, 24 * 365),
                        c.num("storage.backups_kept", 1, 10_000), c.storageUrl("storage.url"), c.str("storage.user"), c.str("storage.password"),
                        c.num("storage.pool_size", 1, 1000)),
                new Admin(c.str("admin.token")),
                new Game(c.oneOf("game.language", "zh", "en"), c.str("game.content_pack"), c.str("game.lorebook")),
                new Auth(c.oneOf("auth.mode", "token_or_address", "token", "open"), c.num("auth.bcrypt_cost", 4, 31),
                        bcryptThreads(c.num("auth.bcrypt_threads", 0, 64)), c.num("auth.max_failed_logins", 1, 1000), c.num("auth.lockout_minutes", 1, 10_000)),
                new Presence(c.num("presence.timeout_seconds", 1, 86_400)),
                new Limits(c.num("limits.requests_per_minute", 1, 10_000_000)),
                new Narrator(c.oneOf("narrator.provider", "offline", "openai"), c.url("narrator.base_url"), c.str("narrator.api_key"),
                        c.str("narrator.model"), c.bool("narrator.json_mode"), c.num("narrator.timeout_seconds", 1, 600),
                        c.num("narrator.max_retries", 0, 10), c.oneOf("narrator.fallback", "offline"),
                        c.num("narrator.daily_tokens_per_player", 0, Integer.MAX_VALUE), c.num("narrator.history_turns", 0, 50),
                        c.num("narrator.max_tokens", 16, 32_000), c.real("narrator.temperature", 0, 2),
                        c.num("narrator.turn_deadline_seconds", 1, 600), c.num("narrator.retry_down_seconds", 1, 3600),
                        c.num("narrator.max_concurrent_calls", 1, 10_000)),
                new Images(c.oneOf("images.provider", "procedural", "openai", "none"), c.url("images.base_url"), c.str("images.api_key"),
                        c.str("images.model"), c.num("images.timeout_seconds", 1, 600)),
                new Moderation(c.bool("moderation.use_model")),
                new Tasks(c.num("tasks.max_open_personal", 0, 1000), c.num("tasks.max_turns_per_stage", 1, 100)),
                new Crafting(c.num("crafting.max_num", 1, 1_000_000)),
                new Events(c.num("events.max_change", 0, 1000)),
                new Challenge(c.num("challenge.wait_seconds", 0, 60), c.num("challenge.ttl_seconds", 1, 86_400),
                        c.num("challenge.push_timeout_seconds", 1, 120), c.oneOf("challenge.callback_hosts", "same_as_client", "any")),
                new Battle(c.num("battle.round_timeout_seconds", 1, 3600), c.num("battle.max_rounds", 1, 1000),
                        c.num("battle.win_exp", 0, 1_000_000), c.num("battle.win_matter", 0, 1_000_000)),
                new Party(c.num("party.max_members", 2, 4), c.num("party.round_seconds", 1, 3600), c.num("party.idle_minutes", 0, 10_000)));
        String broad = new taleweaver.web.ClientAddress(config.server.trustedProxies).tooBroad(config.auth.mode.equals("token_or_address"));
        if (broad != null) throw new Invalid("config key server.trusted_proxies: '" + config.server.trustedProxies + "' " + broad);
        if (config.narrator.provider.equals("openai") && config.narrator.baseUrl.isBlank())
            throw new Invalid("config key narrator.base_url: required when narrator.provider is openai");
        return config;
    }

    /** 0 means half the cores, at least one: a login flood keeps the other half for play. */
    private static int bcryptThreads(int configured) {
        return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    private record Reader(Function<String, Object> get) {
        String str(String key) { return (String) get.apply(key); }
        boolean bool(String key) { return (Boolean) get.apply(key); }
        int num(String key, int min, int max) {
            int n = (Integer) get.apply(key);
            if (n < min || n > max) throw new Invalid("config key " + key + ": " + n + " is outside " + min + ".." + max);
            return n;
        }
        double real(String key, double min, double max) {
            double n = (Double) get.apply(key);
            if (n < min || n > max) throw new Invalid("config key " + key + ": " + n + " is outside " + min + ".." + max);
            return n;
        }
        /** Blank, or an http(s) URL: a scheme-less typo ("localhost:11434/v1") stops start-up here, not every turn. */
        String url(String key) {
            String s = str(key).strip();
            if (!s.isEmpty() && okhttp3.HttpUrl.parse(s) == null)
                throw new Invalid("config key " + key + ": '" + s + "' is not an http:// or https:// URL");
            return s;
        }
        /** Blank (SQLite) or a PostgreSQL JDBC URL: another database stops start-up here, naming the key. */
        String storageUrl(String key) {
            String s = str(key).strip();
            if (!s.isEmpty() && !s.startsWith("jdbc:postgresql://"))
                throw new Invalid("config key " + key + ": '" + s + "' is not a jdbc:postgresql://host:port/database URL (blank = SQLite)");
            return s;
        }
        /** Addresses or CIDRs, comma-separated. */
        String proxies(String key) {
            String s = str(key);
            try {
                new taleweaver.web.ClientAddress(s);
            } catch (IllegalArgumentException e) {
                throw new Invalid("config key " + key + ": " + e.getMessage());
            }
            return s;
        }
        String oneOf(String key, String... allowed) {
            String s = str(key);
            if (!Set.of(allowed).contains(s)) throw new Invalid("config key " + key + ": '" + s + "' is not one of " + String.join(", ", allowed));
            return s;
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
