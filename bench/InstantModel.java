import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible model, for the CPU-per-turn figure (answers at once) and the players-per-box figure (answers
 * after DELAY_MS, holding no thread meanwhile: the answer is sent by a timer): a Python stub on this two-core machine
 * took a core of its own at 2,000 answers a second and the server's figure grew with the waiting it caused.
 * Usage: java bench/InstantModel.java PORT [DELAY_MS] (prints "ready" when listening).
 * For the party figures it prints "told PARTY ROUND NANOS" when it has sent a party round's answer (the bench's members
 * say "(round N)" in what they declare; System.nanoTime is the monotonic clock the bench reads too).
 */
public class InstantModel {
    private static final Pattern PARTY = Pattern.compile("- (G\\d+x)\\d");
    private static final Pattern ROUND = Pattern.compile("This round:[\\s\\S]*?\\(round (\\d+)\\)");

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        long delay = args.length > 1 ? Long.parseLong(args[1]) : 0;
        String content = "{\"text\": \"The mist stirs over Lanternford, and the old keeper lifts his lamp to greet you warmly.\"}";
        byte[] reply = ("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + content.replace("\"", "\\\"") + "\"}}],\"usage\":{\"total_tokens\":50}}").getBytes(StandardCharsets.UTF_8);
        var timer = Executors.newSingleThreadScheduledExecutor();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
        server.createContext("/", exchange -> {
            String asked = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var party = PARTY.matcher(asked);
            var round = ROUND.matcher(asked);
            String told = party.find() && round.find() ? "told " + party.group(1) + " " + round.group(1) + " " : null;
            Runnable answer = () -> {
                try {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, reply.length);
                    exchange.getResponseBody().write(reply);
                } catch (java.io.IOException e) {
                    // the caller gave up
                } finally {
                    exchange.close();
                }
                if (told != null) synchronized (System.out) {
                    System.out.println(told + System.nanoTime());
                    System.out.flush();
                }
            };
            if (delay == 0) answer.run();
            else timer.schedule(answer, delay, TimeUnit.MILLISECONDS);
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("ready");
    }
}
