import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible model that answers at once, for the CPU-per-turn figure: a Python stub on this two-core machine
 * took a core of its own at 2,000 answers a second and the server's figure grew with the waiting it caused.
 * Usage: java bench/InstantModel.java PORT (prints "ready" when listening).
 */
public class InstantModel {
    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        String content = "{\"text\": \"The mist stirs over Lanternford, and the old keeper lifts his lamp to greet you warmly.\"}";
        byte[] reply = ("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + content.replace("\"", "\\\"") + "\"}}],\"usage\":{\"total_tokens\":50}}").getBytes(StandardCharsets.UTF_8);
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("ready");
    }
}
