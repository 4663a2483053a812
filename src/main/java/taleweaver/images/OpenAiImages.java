package taleweaver.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.util.ConcurrencyUtil;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Config;
import taleweaver.web.Json;

import javax.imageio.ImageIO;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * images.provider: openai — POST {base_url}/images/generations with b64_json, scaled to the protocol's sizes.
 * Any failure falls back to the procedural picture, so a player always gets one.
 */
public final class OpenAiImages implements ImageMaker {
    private static final Logger log = LoggerFactory.getLogger(OpenAiImages.class);
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** Image calls in flight at once; past {@link #QUEUED} waiting, a picture is drawn procedurally at once. */
    static final int IN_FLIGHT = 8;
    static final int QUEUED = 64;

    private final Config.Images config;
    private final OkHttpClient http;
    private final ProceduralImages fallback = new ProceduralImages();

    public OpenAiImages(Config.Images config) {
        this.config = config;
        var dispatcher = new Dispatcher(ConcurrencyUtil.executorService("image-calls", true));
        dispatcher.setMaxRequests(IN_FLIGHT);
        dispatcher.setMaxRequestsPerHost(IN_FLIGHT);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .callTimeout(Duration.ofSeconds(config.timeoutSeconds()))
                .connectTimeout(Duration.ofSeconds(Math.min(10, config.timeoutSeconds())))
                .readTimeout(Duration.ofSeconds(config.timeoutSeconds()))
                .followRedirects(false)
                .build();
    }

    @Override
    public String name() { return "openai"; }

    @Override
    public CompletableFuture<byte[]> avatar(String name, String description) {
        return generate("A fantasy RPG character portrait, head and shoulders, painterly: " + name + ". " + description, 128, 128)
                .exceptionallyCompose(e -> fallback.avatar(name, description));
    }

    @Override
    public CompletableFuture<byte[]> background(String name, String description) {
        return generate("A wide fantasy landscape scene for a quest, no text: " + name + ". " + description, 512, 288)
                .exceptionallyCompose(e -> fallback.background(name, description));
    }

    private CompletableFuture<byte[]> generate(String prompt, int width, int height) {
        var result = new CompletableFuture<byte[]>();
        var body = Json.bytes(Map.of("model", config.model(), "prompt", prompt, "n", 1, "size", "1024x1024", "response_format", "b64_json"));
        if (http.dispatcher().queuedCallsCount() >= QUEUED) return CompletableFuture.failedFuture(new IOException("image queue full"));
        Call call;
        try {
            var request = new Request.Builder().url(config.baseUrl().replaceAll("/+$", "") + "/images/generations")
                    .header("Authorization", "Bearer " + config.apiKey())
                    .post(RequestBody.create(body, JSON)).build();
            call = http.newCall(request);
        } catch (RuntimeException e) { // falls back like any later failure
            log.warn("image generation could not start: {}", e.getClass().getSimpleName());
            return CompletableFuture.failedFuture(e);
        }
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                log.warn("image generation failed: {}", e.getClass().getSimpleName());
                result.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    if (!response.isSuccessful()) throw new IOException("HTTP " + response.code());
                    JsonNode data = Json.parse(response.body().string()).path("data").path(0).path("b64_json");
                    if (!data.isTextual()) throw new IOException("no b64_json in the reply");
                    result.complete(scale(Base64.getMimeDecoder().decode(data.asText()), width, height));
                } catch (IOException | RuntimeException e) {
                    log.warn("image generation failed: {}", e.getMessage());
                    result.completeExceptionally(e);
                }
            }
        });
        // The call's own timeout starts when it runs; this one also bounds the wait in the queue.
        return result.orTimeout(2L * config.timeoutSeconds(), TimeUnit.SECONDS).whenComplete((png, e) -> {
            if (e != null) call.cancel();
        });
    }

    private static byte[] scale(byte[] image, int width, int height) throws IOException {
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(image));
        if (source == null) throw new IOException("not an image");
        var out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        double scale = Math.max(width / (double) source.getWidth(), height / (double) source.getHeight());
        int w = (int) Math.ceil(source.getWidth() * scale), h = (int) Math.ceil(source.getHeight() * scale);
        g.drawImage(source.getScaledInstance(w, h, Image.SCALE_SMOOTH), (width - w) / 2, (height - h) / 2, null);
        g.dispose();
        return ProceduralImages.png(out);
    }
}
