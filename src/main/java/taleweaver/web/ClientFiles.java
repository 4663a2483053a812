package taleweaver.web;

import io.javalin.http.Context;
import taleweaver.narrator.ContentPack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The browser client (SPEC §12): the files under {@code src/main/resources/client/}, read once at start and served
 * from memory. The page is {@code GET /}; its assets live under {@code /client/<version>/…}, where the version is
 * a hash of every file, so they are cached for a year and a new release is fetched anew. Every answer carries a
 * Content-Security-Policy that runs only the page's own scripts.
 */
public final class ClientFiles {
    public static final String PREFIX = "/client/";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "json", "application/json; charset=utf-8");

    private final Map<String, byte[]> files;
    private final String version;
    private final byte[] page;

    public ClientFiles(ContentPack pack) {
        this.files = readAll();
        this.version = hash(files);
        this.page = page(files.get("index.html"), pack, version);
    }

    public String version() { return version; }

    /** {@code GET /}: the page, never cached (it names the current asset version). */
    public void page(Context ctx) {
        headers(ctx, "no-cache");
        ctx.contentType(TYPES.get("html")).result(page);
    }

    /** {@code GET /client/<version>/<file>}. */
    public void asset(Context ctx) {
        String file = ctx.pathParam("file");
        byte[] bytes = file.equals("index.html") ? null : files.get(file);
        if (bytes == null) throw new ApiError(404, "not_found", "no such file");
        boolean current = ctx.pathParam("version").equals(version);
        headers(ctx, current ? "public, max-age=31536000, immutable" : "no-cache");
        ctx.contentType(TYPES.get(extension(file))).result(bytes);
    }

    static boolean isClientPath(String path) {
        return path.equals("/") || path.startsWith(PREFIX);
    }

    private static void headers(Context ctx, String cache) {
        ctx.header("Cache-Control", cache);
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    /** index.html with the asset version, the game language and what the page needs of the world filled in. */
    private static byte[] page(byte[] template, ContentPack pack, String version) {
        var world = new LinkedHashMap<String, Object>();
        world.put("language", pack.language());
        world.put("dm", pack.dm().name());
        world.put("encounters", pack.encounterTexts());
        // Inside a <script type="application/json"> block: no '<' may close it early.
        String json = Json.MAPPER.valueToTree(world).toString().replace("<", "\\u003c");
        String html = new String(template, StandardCharsets.UTF_8)
                .replace("{{version}}", version)
                .replace("{{lang}}", pack.language().equals("zh") ? "zh-CN" : pack.language())
                .replace("{{title}}", pack.language().equals("zh") ? "织梦者 Taleweaver" : "Taleweaver")
                .replace("{{world}}", json);
        return html.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> readAll() {
        URI root;
        try {
            var index = ClientFiles.class.getResource("/client/index.html");
            if (index == null) throw new IllegalStateException("the browser client is missing from the jar");
            root = index.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try {
            if (!root.getScheme().equals("jar")) return walk(Path.of(root).getParent());
            try (FileSystem jar = FileSystems.newFileSystem(root, Map.of())) {
                return walk(jar.getPath("/client"));
            } catch (java.nio.file.FileSystemAlreadyExistsException e) { // opened by someone else in this JVM: theirs to close
                return walk(FileSystems.getFileSystem(root).getPath("/client"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> walk(Path dir) throws IOException {
        var out = new TreeMap<String, byte[]>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (TYPES.containsKey(extension(name))) out.put(name, Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static String hash(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((name, bytes) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update(bytes);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String extension(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
