package taleweaver;

import taleweaver.web.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.1 request from a chosen local address (127.0.0.2 is "another machine" to the server). */
public final class RawHttp {
    private RawHttp() {}

    public static Api.Reply from(String localAddress, String base, String path, Object... kv) {
        return from(localAddress, java.util.Map.of(), base, path, kv);
    }

    /** The same with extra request headers (X-Forwarded-For, say). */
    public static Api.Reply from(String localAddress, java.util.Map<String, String> headers, String base, String path, Object... kv) {
        URI uri = URI.create(base);
        byte[] body = Json.bytes(Api.body(kv));
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            s.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 5000);
            s.setSoTimeout(30_000);
            var extra = new StringBuilder();
            headers.forEach((k, v) -> extra.append(k).append(": ").append(v).append("\r\n"));
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n" + extra + "Connection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            var out = new ByteArrayOutputStream();
            in.transferTo(out);
            String all = out.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.substring(9, 12));
            String content = all.substring(all.indexOf("\r\n\r\n") + 4);
            if (all.toLowerCase().contains("transfer-encoding: chunked")) content = content.substring(content.indexOf("\r\n") + 2, content.lastIndexOf("}") + 1);
            return new Api.Reply(status, Json.parse(content), content, java.util.Map.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
