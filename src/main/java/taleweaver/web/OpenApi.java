package taleweaver.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The API description (SPEC §13): src/main/resources/openapi.json, made by docs/openapi.py, served at /openapi.json. */
final class OpenApi {
    private OpenApi() {}

    static byte[] document() {
        try (InputStream in = OpenApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
