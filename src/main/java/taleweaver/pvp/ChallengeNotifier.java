package taleweaver.pvp;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.util.ConcurrencyUtil;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Config;
import taleweaver.web.Json;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes a challenge to the addressee's client: {@code POST http://host:port/challenge_info}. Which addresses
 * may be called is decided where the name is resolved (so a rebinding name can't slip past): never link-local or
 * metadata addresses, never this server's own port, and with {@code same_as_client} only the address the player
 * logged in from. An unreachable, slow or garbled client is no error: the answer is simply empty.
 */
public final class ChallengeNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChallengeNotifier.class);
    private static final int MAX_REPLY_BYTES = 1 << 20;
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** The client's answer: accepted or not, and the picture it sent back (base64, unchecked). */
    public record Answer(boolean accepted, String imageData) {}

    /** Where a push may go: the callback, and (same_as_client) the only address it may resolve to. */
    record Target(String host, int port, String requiredAddress) {}

    private final OkHttpClient http;
    private final boolean anyHost;
    private final int serverPort;

    public ChallengeNotifier(Config.Challenge config, int serverPort) {
        this.anyHost = config.callbackHosts().equals("any");
        this.serverPort = serverPort;
        var dispatcher = new Dispatcher(ConcurrencyUtil.executorService("challenge-push", true));
        // Players of one LAN party may share a host, so one silent client must not hold up the rest; on Java 17 each
        // push in flight is an OS thread, so fewer run at once there.
        boolean cheapThreads = ConcurrencyUtil.isLoomAvailable();
        dispatcher.setMaxRequests(cheapThreads ? 256 : 16);
        dispatcher.setMaxRequestsPerHost(cheapThreads ? 64 : 4);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(config.pushTimeoutSeconds()))
                .writeTimeout(Duration.ofSeconds(config.pushTimeoutSeconds()))
                .callTimeout(Duration.ofSeconds(config.pushTimeoutSeconds() + 4L))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    /** Sends the push; completes with the client's answer, or empty when there is none to take. */
    public CompletableFuture<Optional<Answer>> push(String host, int port, String loginAddress, String id, String from, String imageData) {
        var result = new CompletableFuture<Optional<Answer>>();
        var target = new Target(host, port, anyHost ? null : loginAddress);
        var guard = new GuardedDns(target);
        if (isLiteral(host) && !guard.allowedLiteral(host)) { // OkHttp asks no Dns for an address literal
            return CompletableFuture.completedFuture(Optional.empty());
        }
        OkHttpClient client = http.newBuilder().dns(guard).build();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/challenge_info";
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("id", id);
        body.put("role", from);
        body.put("image_data", imageData);
        Request request;
        try {
            request = new Request.Builder().url(url).post(RequestBody.create(Json.bytes(body), JSON)).build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        client.newCall(request).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                log.info("push of challenge {} not delivered: {}", id.substring(0, 6), e.getMessage());
                result.complete(Optional.empty());
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    if (!response.isSuccessful()) {
                        result.complete(Optional.empty());
                        return;
                    }
                    var source = response.body().source();
                    source.request(MAX_REPLY_BYTES + 1);
                    if (source.getBuffer().size() > MAX_REPLY_BYTES) throw new IOException("reply too large");
                    JsonNode reply = Json.parse(source.getBuffer().readUtf8());
                    JsonNode status = reply.path("status");
                    boolean sameId = !reply.hasNonNull("id") || id.equals(reply.path("id").asText());
                    if (!status.isBoolean() || !sameId) {
                        result.complete(Optional.empty());
                        return;
                    }
                    result.complete(Optional.of(new Answer(status.asBoolean(), reply.path("image_data").isTextual() ? reply.path("image_data").asText() : null)));
                } catch (RuntimeException | IOException e) {
                    result.complete(Optional.empty());
                }
            }
        });
        return result;
    }

    /** Resolves a callback host to the addresses it may be called at, or to none. */
    final class GuardedDns implements Dns {
        private final Target target;

        GuardedDns(Target target) { this.target = target; }

        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            List<InetAddress> allowed = Dns.SYSTEM.lookup(hostname).stream().filter(this::allowed).toList();
            if (allowed.isEmpty()) throw new UnknownHostException("callback address not allowed: " + hostname);
            return allowed;
        }

        boolean allowedLiteral(String literal) {
            try {
                return allowed(InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                return false;
            }
        }

        private boolean allowed(InetAddress a) {
            if (forbidden(a)) return false;
            if (target.port() == serverPort && isLocal(a)) return false;
            if (target.requiredAddress() == null) return true;
            try {
                return InetAddress.getByName(target.requiredAddress()).equals(a);
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** Link-local (169.254.0.0/16 with the cloud metadata address, fe80::/10), multicast and the wildcard. */
    static boolean forbidden(InetAddress a) {
        if (a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress()) return true;
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && b.length == 16) {
            boolean mapped = true; // ::ffff:a.b.c.d hides an IPv4 address
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return (b[12] & 0xff) == 169 && (b[13] & 0xff) == 254 || (b[12] & 0xff) == 0;
            }
            return (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80;
        }
        return b.length == 4 && ((b[0] & 0xff) == 169 && (b[1] & 0xff) == 254 || (b[0] & 0xff) == 0);
    }

    /** An address of this machine: loopback or one of its interfaces. */
    static boolean isLocal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) return true;
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() {
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
